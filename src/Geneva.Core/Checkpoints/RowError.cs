namespace Geneva.Core.Checkpoints;

/// <summary>
/// A row whose UDF call failed; <see cref="Action"/> is what the error policy did. Read-only: the
/// properties are get-only, so a caller (a PowerShell user too) cannot change a recorded error.
/// </summary>
public sealed record RowError(
    string JobId,
    int FragmentId,
    int RowOffset,
    int Attempt,
    string ErrorType,
    string Message,
    string Action,
    DateTimeOffset At)
{
    public string JobId { get; } = JobId;
    public int FragmentId { get; } = FragmentId;
    public int RowOffset { get; } = RowOffset;
    public int Attempt { get; } = Attempt;
    public string ErrorType { get; } = ErrorType;
    public string Message { get; } = Message;
    public string Action { get; } = Action;
    public DateTimeOffset At { get; } = At;
}
