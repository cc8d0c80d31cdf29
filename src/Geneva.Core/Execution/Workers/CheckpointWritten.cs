using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution.Workers;

/// <summary>A checkpoint file is written; it counts once the coordinator records the receipt.</summary>
public sealed record CheckpointWritten(TaskSpec Task, CheckpointReceipt Receipt) : TaskEvent;
