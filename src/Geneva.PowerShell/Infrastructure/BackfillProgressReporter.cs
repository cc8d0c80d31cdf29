using System.Diagnostics;
using System.Management.Automation;
using Geneva.Core.Execution;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Turns a backfill's progress into progress records (for Write-Progress, or a job's progress
/// stream); updates are throttled because each record costs the host a redraw. Also keeps the
/// engine's job ID once known, for a job object to show.
/// </summary>
internal sealed class BackfillProgressReporter(Action<ProgressRecord> write, string table) : IProgress<BackfillProgress>
{
    private const int ActivityId = 0x6E0A;
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private bool _shown;

    public string? JobId { get; private set; }

    public void Report(BackfillProgress p)
    {
        JobId ??= p.JobId;
        if (_shown && p.Event is null && _sinceLast.Elapsed < s_interval)
        {
            return;
        }
        _sinceLast.Restart();
        _shown = true;
        var record = new ProgressRecord(ActivityId, $"Backfilling '{p.Column}' of {table}", Status(p))
        {
            PercentComplete = p.RowsTotal > 0 ? (int)Math.Min(100, p.RowsDone * 100 / p.RowsTotal) : 0,
            SecondsRemaining = p.Eta is { } eta ? (int)Math.Min(int.MaxValue, eta.TotalSeconds) : -1,
            CurrentOperation = p.Event ?? "",
        };
        write(record);
    }

    /// <summary>
    /// The status line. While the engine withholds the time left (the run's first seconds), the rate is not shown
    /// either: it is the same early measure, far below the real one.
    /// </summary>
    internal static string Status(BackfillProgress p) =>
        $"{p.RowsDone:N0} of {p.RowsTotal:N0} rows, " + (p.Estimating ? "estimating…" : $"{p.RowsPerSecond:N0} rows/s") +
        $", {p.FragmentsCommitted}/{p.FragmentsTotal} fragments committed, checkpoint size {p.CheckpointSize:N0}";

    public void Complete()
    {
        if (_shown)
        {
            write(new ProgressRecord(ActivityId, $"Backfilling {table}", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
