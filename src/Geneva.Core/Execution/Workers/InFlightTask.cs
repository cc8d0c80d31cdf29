namespace Geneva.Core.Execution.Workers;

/// <summary>
/// One dispatch of a task to a worker, as <see cref="ProcessTaskExecutor"/> tracks it: the task as
/// planned, the part sent (the rest after a worker died), the attempt, and how far its receipts reach.
/// </summary>
internal sealed record InFlightTask(TaskSpec Original, TaskSpec Sent, int Attempt, WorkerProcess Worker)
{
    /// <summary>The first row without a receipt yet; a re-sent task starts here.</summary>
    public int DoneUpTo { get; set; } = Sent.Offset;
}
