namespace Geneva.Core.Execution.Workers;

/// <summary>Every row of the task has a receipt.</summary>
public sealed record TaskFinished(TaskSpec Task) : TaskEvent;
