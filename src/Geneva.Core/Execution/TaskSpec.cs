using Geneva.Core.Planning;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution;

/// <summary>
/// The worker contract's request: plain data naming where the table is, what to compute and the
/// checkpoint identity; nothing that ties the worker to the coordinator's process or machine.
/// </summary>
public sealed record TaskSpec(
    string JobId,
    string TablePath,
    long TableVersion,
    string Column,
    UdfSpec Udf,
    string? Where,
    int FragmentId,
    FragmentMode Mode,
    string FragmentKey,
    int Offset,
    int RowCount)
{
    /// <summary>
    /// A probe (verification, plan sampling): compute only these fragment offsets (ascending; those in
    /// [Offset, Offset + RowCount) count) and send their values back in the receipts
    /// (<see cref="Checkpoints.CheckpointReceipt.Values"/>). A probe writes no file and its receipts are never recorded.
    /// </summary>
    public IReadOnlyList<int>? ProbeRows { get; init; }
}
