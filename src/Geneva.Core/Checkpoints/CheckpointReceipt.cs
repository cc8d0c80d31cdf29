namespace Geneva.Core.Checkpoints;

/// <summary>
/// Proof that a row range's UDF output is durable: the checkpoint file under the table folder,
/// its size and checksum. This is the worker contract's reply: plain data, no process state.
/// </summary>
public sealed record CheckpointReceipt(
    string FragmentKey,
    int FragmentId,
    int RowStart,
    int RowCount,
    /// <summary>Rows per record batch in the file (all but the last), so readers can seek.</summary>
    int BatchRows,
    string File,
    long Bytes,
    string Checksum,
    int RowsComputed,
    double UdfSeconds,
    double WriteSeconds,
    IReadOnlyList<RowError> Errors,
    /// <summary>Which worker made it (host:pid), for per-worker checkpoint sizes.</summary>
    string? Worker = null,
    /// <summary>The device the UDF ran on, for UDFs that choose one (models: cpu, cuda:0).</summary>
    string? Device = null,
    /// <summary>Rows per device batch the UDF instance works with after this checkpoint (models; lowered on out-of-memory).</summary>
    int? BatchSize = null,
    /// <summary>Computed rows whose new value is not null: none means the checkpoint filled no null row (null when not known).</summary>
    int? RowsWithValues = null,
    /// <summary>A probe's computed values (Arrow IPC stream, one column), in place of a file; null for a checkpoint.</summary>
    byte[]? Values = null);
