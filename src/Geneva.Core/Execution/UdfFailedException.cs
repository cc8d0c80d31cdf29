using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution;

/// <summary>A UDF failure that ends the job; carries the row errors seen on the way, for the record.</summary>
public sealed class UdfFailedException : GenevaException
{
    public UdfFailedException(string message, int fragmentId, Exception inner, IReadOnlyList<RowError> errors)
        : base(GenevaErrorCode.UdfFailed, message, fragmentId, inner)
    {
        Errors = errors;
    }

    public IReadOnlyList<RowError> Errors { get; }
}
