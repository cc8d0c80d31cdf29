namespace Geneva.Core.Execution.Workers;

/// <summary>Something worth a verbose line: a worker started, crashed, a task was re-sent.</summary>
public sealed record ExecutorNotice(string Message) : TaskEvent;
