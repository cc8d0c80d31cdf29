namespace Geneva.Core.Execution.Workers;

/// <summary>
/// An exception as plain data for the worker protocol: type name, message, stack trace text and
/// the inner exception, so the coordinator can rethrow what a worker saw (<see cref="WorkerException"/>).
/// </summary>
public sealed record WorkerExceptionInfo
{
    /// <summary>Inner exceptions deeper than this are left out (a cycle or a runaway chain).</summary>
    private const int MaxDepth = 8;

    public required string TypeName { get; init; }

    public required string Message { get; init; }

    public string? StackTrace { get; init; }

    public WorkerExceptionInfo? Inner { get; init; }

    public static WorkerExceptionInfo From(Exception e, int depth = 0) => new()
    {
        TypeName = e.GetType().FullName ?? e.GetType().Name,
        Message = e.Message,
        StackTrace = e.StackTrace,
        Inner = e.InnerException is { } inner && depth < MaxDepth ? From(inner, depth + 1) : null,
    };

    public WorkerException ToException() => new(TypeName, Message, StackTrace, Inner?.ToException());
}
