using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution.Workers;

/// <summary>What an executor reports to the coordinator, on the coordinator's thread.</summary>
public abstract record TaskEvent;

/// <summary>A checkpoint file is written; it counts once the coordinator records the receipt.</summary>
public sealed record CheckpointWritten(TaskSpec Task, CheckpointReceipt Receipt) : TaskEvent;

/// <summary>Every row of the task has a receipt.</summary>
public sealed record TaskFinished(TaskSpec Task) : TaskEvent;

/// <summary>Something worth a verbose line: a worker started, crashed, a task was re-sent.</summary>
public sealed record ExecutorNotice(string Message) : TaskEvent;
