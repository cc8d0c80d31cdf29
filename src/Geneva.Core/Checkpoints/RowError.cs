namespace Geneva.Core.Checkpoints;

/// <summary>A row whose UDF call failed; <see cref="Action"/> is what the error policy did.</summary>
public sealed record RowError(
    string JobId,
    int FragmentId,
    int RowOffset,
    int Attempt,
    string ErrorType,
    string Message,
    string Action,
    DateTimeOffset At);
