namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Runs a backfill's tasks somewhere (in this process, in worker processes, later on other
/// machines) and reports events in order on the enumerating thread. A failure that ends the job
/// is thrown from the enumeration; disposing the enumeration stops all work.
/// </summary>
public interface ITaskExecutor
{
    /// <summary>How many UDF instances run at once, for progress and metrics.</summary>
    int Instances { get; }

    IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel);
}
