using System.Diagnostics;
using Apache.Arrow.Ipc;
using Geneva.Core.Arrow;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution;

/// <summary>
/// Runs a column's UDF on chosen rows through the executor a backfill would use (a worker process of the
/// UDF's kind, on its device) and brings the values back, writing nothing: probe tasks
/// (<see cref="TaskSpec.ProbeRows"/>) send their values in their receipts, and no receipt is recorded.
/// Failing rows are skipped and reported, never fatal, whatever the UDF's error policy.
/// </summary>
internal static class UdfProbe
{
    /// <summary>One UDF call of a probe, timed in the worker.</summary>
    public sealed record Call(int Rows, double UdfSeconds, double ArrivedSeconds);

    public sealed record Outcome(
        IReadOnlyDictionary<(int Fragment, int Row), object?> Values,
        IReadOnlyDictionary<(int Fragment, int Row), RowError> Errors,
        IReadOnlyList<Call> Calls,
        string? Device,
        IReadOnlyList<string> Notices);

    /// <param name="rows">Per fragment, the offsets to compute.</param>
    /// <param name="callRows">Rows per UDF call (the probe's fixed checkpoint size).</param>
    /// <param name="log">Gets the executor's notices (a worker started, was reused, printed a line), on the calling thread.</param>
    public static Outcome Run(GenevaTable table, string column, UdfSpec udf, IReadOnlyDictionary<int, int[]> rows, int callRows,
        ITaskExecutor executor, CancellationToken cancel, Action<string>? log = null)
    {
        var probeUdf = udf with { OnError = ErrorPolicy.Skip };
        var jobId = $"probe-{Guid.NewGuid():N}";
        var tasks = rows.Where(p => p.Value.Length > 0).OrderBy(p => p.Key).Select(p =>
        {
            var sorted = p.Value.Distinct().Order().ToArray();
            return new TaskSpec(jobId, table.Path, table.Version, column, probeUdf, null, p.Key, FragmentMode.All, jobId,
                sorted[0], sorted[^1] + 1 - sorted[0]) { ProbeRows = sorted };
        }).ToList();
        var values = new Dictionary<(int, int), object?>();
        var errors = new Dictionary<(int, int), RowError>();
        var calls = new List<Call>();
        var notices = new List<string>();
        string? device = null;
        var clock = Stopwatch.StartNew();
        var size = Math.Max(1, callRows);
        foreach (var e in executor.Run(tasks, new CheckpointSizing(size, size, AdaptiveCheckpointSizer.DefaultTarget.TotalSeconds), cancel))
        {
            switch (e)
            {
                case CheckpointWritten written:
                    var receipt = written.Receipt;
                    calls.Add(new Call(receipt.RowsComputed, receipt.UdfSeconds, clock.Elapsed.TotalSeconds));
                    device ??= receipt.Device;
                    var offsets = written.Task.ProbeRows!.Where(r => r >= receipt.RowStart && r < receipt.RowStart + receipt.RowCount).ToList();
                    var array = Decode(receipt);
                    for (var i = 0; i < offsets.Count && i < array.Count; i++)
                    {
                        values[(receipt.FragmentId, offsets[i])] = array[i];
                    }
                    foreach (var error in receipt.Errors.Where(r => r.Action == "Skip"))
                    {
                        errors[(error.FragmentId, error.RowOffset)] = error;
                    }
                    break;
                case ExecutorNotice notice:
                    notices.Add(notice.Message);
                    log?.Invoke(notice.Message);
                    break;
            }
        }
        return new Outcome(values, errors, calls, device, notices);
    }

    private static List<object?> Decode(CheckpointReceipt receipt)
    {
        var result = new List<object?>();
        if (receipt.Values is not { Length: > 0 } bytes)
        {
            return result;
        }
        using var reader = new ArrowStreamReader(new MemoryStream(bytes));
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                var column = batch.Column(0);
                for (var i = 0; i < batch.Length; i++)
                {
                    result.Add(ArrowValues.GetValue(column, i));
                }
            }
        }
        return result;
    }
}
