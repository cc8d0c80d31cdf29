namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF that cuts its input into device batches and lowers the size when the device runs out of
/// memory (a model). Its checkpoints report the size it works with, and the coordinator hands the
/// lowest one to every instance it starts later and to a resumed job, so an oversized batch costs
/// one failed forward pass per job rather than one per UDF instance.
/// </summary>
public interface IAdaptsBatchSize
{
    /// <summary>Rows per device batch now.</summary>
    int BatchSize { get; }

    /// <summary>Uses at most <paramref name="rows"/> per batch from now on (a size learned by another instance).</summary>
    void LimitBatchSize(int rows);
}
