using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;

namespace Geneva.Cluster.Dispatch;

/// <summary>
/// One dispatch of a session task to a slot: the session's number and spec, the part sent (the rest
/// after a lost dispatch), the attempt, and how far its receipts reach.
/// </summary>
internal sealed class Dispatch(long id, SessionTask task, TaskSpec sent, int attempt, SlotRef slot, long now)
{
    public long Id { get; } = id;

    public SessionTask Task { get; } = task;

    public TaskSpec Sent { get; } = sent;

    public int Attempt { get; } = attempt;

    public SlotRef Slot { get; } = slot;

    /// <summary>The first row without a receipt yet; a re-sent dispatch starts here.</summary>
    public int DoneUpTo { get; set; } = sent.Offset;

    /// <summary>When it was sent or last had news (milliseconds, the dispatcher's clock).</summary>
    public long LastNews { get; set; } = now;

    public int End => Sent.Offset + Sent.RowCount;
}

/// <summary>A task as the session sent it: its number (every answer carries it), spec and sizing.</summary>
internal sealed record SessionTask(int Number, TaskSpec Spec, CheckpointSizing Sizing);

/// <summary>A task waiting for a slot: the part left and the attempt it will be.</summary>
internal sealed record PendingTask(SessionTask Task, TaskSpec Rest, int Attempt);
