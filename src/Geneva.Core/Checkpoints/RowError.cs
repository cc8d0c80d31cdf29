using System.Text.Json.Serialization;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// A row whose UDF call failed; <see cref="Action"/> is what the error policy did. <see cref="Key"/>
/// renders the row's UDF input values (null for errors recorded before keys were).
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
    /// <summary>The row's address (Lance's <c>_rowaddr</c>): fragment id in the high 32 bits, row offset in the low.</summary>
    [JsonIgnore]
    public ulong RowAddress => Storage.RowAddress.Of(FragmentId, RowOffset);
}
