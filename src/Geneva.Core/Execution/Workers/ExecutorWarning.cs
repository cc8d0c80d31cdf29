namespace Geneva.Core.Execution.Workers;

/// <summary>Something the user should see as a warning with the run's result (a cluster offering fewer slots than asked for).</summary>
public sealed record ExecutorWarning(string Message) : TaskEvent;
