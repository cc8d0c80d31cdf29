namespace Geneva.Core.Execution.Workers;

/// <summary>What one UDF instance thread of a <see cref="WorkerHost"/> holds between tasks.</summary>
internal sealed class WorkerInstanceState : IDisposable
{
    /// <summary>The runner of the current job and definition (one at a time).</summary>
    public string? RunnerKey;
    public TaskRunner? Runner;

    /// <summary>A device-resident UDF instance (a loaded model), kept across jobs of the same definition.</summary>
    public string? KeptUdfKey;
    public object? KeptUdf;

    public void DropKeptUdf()
    {
        (KeptUdf as IDisposable)?.Dispose();
        (KeptUdfKey, KeptUdf) = (null, null);
    }

    public void Dispose()
    {
        Runner?.Dispose();
        DropKeptUdf();
    }
}
