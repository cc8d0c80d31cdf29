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

    /// <summary>
    /// Starts what <see cref="Run"/> will need for about <paramref name="expectedTasks"/> tasks (worker processes)
    /// before the plan exists, so they start while it is made. <see cref="Run"/> uses them; <see cref="Discard"/>
    /// releases them when no run follows.
    /// </summary>
    void Prepare(int expectedTasks)
    {
    }

    /// <summary>Releases what <see cref="Prepare"/> started and no <see cref="Run"/> used (an empty or failed plan); idempotent.</summary>
    void Discard()
    {
    }

    IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel);
}
