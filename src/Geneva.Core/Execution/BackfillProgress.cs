namespace Geneva.Core.Execution;

/// <summary>
/// A snapshot reported after every checkpoint and commit. Rows count as <see cref="BackfillResult"/>'s
/// counters do (rows the UDF computes): <see cref="RowsTotal"/> is the job's RowsPlanned and
/// <see cref="RowsDone"/> its RowsCheckpointed, so a resumed job's progress continues where it stopped.
/// <see cref="RowsPerSecond"/> is this run's rate; <see cref="Eta"/> is null when nothing is left and
/// while it is still being estimated (<see cref="EstimateEta"/>).
/// </summary>
public sealed record BackfillProgress(
    string JobId,
    string Column,
    long RowsTotal,
    long RowsDone,
    int FragmentsTotal,
    int FragmentsCommitted,
    double RowsPerSecond,
    TimeSpan? Eta,
    int CheckpointSize,
    string? Event)
{
    /// <summary>
    /// How long a run goes before its time left is estimated. A run's first seconds are mostly worker
    /// start-up and the first, small checkpoints (the proof of life), so a rate taken then is far too low:
    /// first checkpoints of 1, 9 and 33 rows once gave two days for a job of hours. After this long, start-up
    /// (about a second) is a small part of the time the rate is measured over.
    /// </summary>
    public static readonly TimeSpan EtaWarmUp = TimeSpan.FromSeconds(5);

    /// <summary>True while rows are left but the time they take is not estimated yet.</summary>
    public bool Estimating => Eta is null && RowsDone < RowsTotal;

    /// <summary>
    /// Time left for <paramref name="rowsLeft"/> rows at the rate of the current run, which has checkpointed
    /// <paramref name="runRowsDone"/> rows in <paramref name="runElapsed"/>. Null (withheld) until the run has
    /// gone <see cref="EtaWarmUp"/> and checkpointed a row, and when no row is left.
    /// </summary>
    public static TimeSpan? EstimateEta(long rowsLeft, long runRowsDone, TimeSpan runElapsed)
    {
        if (rowsLeft <= 0 || runRowsDone <= 0 || runElapsed < EtaWarmUp)
        {
            return null;
        }
        return TimeSpan.FromSeconds(Math.Min(rowsLeft / (runRowsDone / runElapsed.TotalSeconds), TimeSpan.MaxValue.TotalSeconds / 2));
    }
}
