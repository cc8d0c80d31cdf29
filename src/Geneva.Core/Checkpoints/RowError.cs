using System.Text.Json.Serialization;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// A row whose UDF call failed; <see cref="Action"/> is what the error policy did. <see cref="Key"/>
/// renders the row's UDF input values (null for errors recorded before keys were). Read-only: the
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
    DateTimeOffset At,
    string? Key = null)
{
    public string JobId { get; } = JobId;
    public int FragmentId { get; } = FragmentId;
    public int RowOffset { get; } = RowOffset;
    public int Attempt { get; } = Attempt;
    public string ErrorType { get; } = ErrorType;
    public string Message { get; } = Message;
    public string Action { get; } = Action;
    public DateTimeOffset At { get; } = At;
    public string? Key { get; } = Key;

    /// <summary>The row's address (Lance's <c>_rowaddr</c>): fragment id in the high 32 bits, row offset in the low.</summary>
    [JsonIgnore]
    public ulong RowAddress => Storage.RowAddress.Of(FragmentId, RowOffset);
}
