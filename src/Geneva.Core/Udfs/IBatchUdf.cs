using Apache.Arrow;

namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF over whole batches: <paramref name="input"/> holds the input columns in declared order,
/// named as declared; the result must have one value per input row and the declared output type.
/// The input is borrowed (valid during the call); the returned array is owned by the caller.
/// </summary>
public interface IBatchUdf
{
    IArrowArray Apply(RecordBatch input);
}
