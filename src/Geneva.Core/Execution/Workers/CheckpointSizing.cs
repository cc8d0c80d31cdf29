namespace Geneva.Core.Execution.Workers;

/// <summary>The adaptive sizer's bounds and target, sent to workers with each task.</summary>
public sealed record CheckpointSizing(int Min, int Max, double TargetSeconds);
