namespace Geneva.Core.Verification;

/// <summary>
/// A sampled row whose stored value is not what the bound UDF computes now. <see cref="Recomputed"/> is null
/// with <see cref="Error"/> set when the UDF failed on the row.
/// </summary>
/// <remarks>Get-only: a caller (a PowerShell user too) cannot change a finding.</remarks>
public sealed record VerificationMismatch
{
    internal VerificationMismatch(int fragmentId, int rowOffset, object? stored, object? recomputed, string? error, bool stale)
    {
        FragmentId = fragmentId;
        RowOffset = rowOffset;
        Stored = stored;
        Recomputed = recomputed;
        Error = error;
        Stale = stale;
    }

    public int FragmentId { get; }

    public int RowOffset { get; }

    /// <summary>Lance's <c>_rowaddr</c>: fragment id in the high 32 bits, row offset in the low.</summary>
    public ulong RowAddress => Storage.RowAddress.Of(FragmentId, RowOffset);

    public object? Stored { get; }

    public object? Recomputed { get; }

    /// <summary>The UDF's error on this row, when it failed (the row counts as a mismatch).</summary>
    public string? Error { get; }

    /// <summary>The stored value was computed by another UDF version or from other inputs (the planner would recompute it).</summary>
    public bool Stale { get; }
}
