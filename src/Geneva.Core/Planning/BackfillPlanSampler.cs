using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Planning;

/// <summary>
/// Measures a plan's UDF on sampled rows (<see cref="BackfillPlanSample"/>): windows of consecutive rows drawn
/// at random from the plan's tasks (from the whole table when the plan has nothing to compute), run through the
/// executor a backfill would use with one worker and one UDF instance, writing nothing.
/// </summary>
public static class BackfillPlanSampler
{
    /// <summary>Most UDF calls a sample is cut into: enough for a spread, each as large as the sample allows.</summary>
    public const int MaxCalls = 10;

    /// <param name="log">Gets the executor's notices (verbose lines), on the calling thread.</param>
    /// <returns><paramref name="plan"/> with its <see cref="BackfillPlan.Sample"/>.</returns>
    public static BackfillPlan Measure(GenevaTable table, BackfillPlan plan, int rows, int? seed,
        Func<UdfSpec, BackfillSettings, ITaskExecutor> executorFactory, CancellationToken cancel = default, Action<string>? log = null)
    {
        if (rows < 1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"The sample must be at least 1 row (got {rows}).", rows);
        }
        var udf = table.Manifest.FindBinding(plan.Column) ?? throw new GenevaException(GenevaErrorCode.ColumnNotBound,
            $"Column '{plan.Column}' is not bound to a UDF.", plan.Column);
        var ranges = plan.Fragments.Count > 0
            ? plan.Tasks.Select(t => (t.FragmentId, t.Offset, t.RowCount)).ToList()
            : table.Manifest.Fragments.Where(f => f.RowCount > 0).Select(f => (f.Id, 0, f.RowCount)).ToList();
        var total = ranges.Sum(r => (long)r.Item3);
        if (total == 0)
        {
            return plan with { Sample = new BackfillPlanSample { Notes = ["The table has no rows to sample."] } };
        }
        var calls = (int)Math.Min(MaxCalls, Math.Min(rows, total));
        var callRows = (int)Math.Min(int.MaxValue, (Math.Min(rows, total) + calls - 1) / calls);
        var picked = Windows(ranges, total, calls, callRows, new Random(seed ?? Random.Shared.Next()));

        var settings = plan.Settings with { Concurrency = 1, IntraApplierConcurrency = 1 };
        var outcome = UdfProbe.Run(table, plan.Column, udf, picked, callRows, executorFactory(udf, settings), cancel, log);
        return plan with { Sample = Summarize(plan, udf, outcome) };
    }

    /// <summary>
    /// <paramref name="count"/> windows of <paramref name="length"/> consecutive rows, one in each of
    /// <paramref name="count"/> equal strata of the ranges laid end to end (so they do not overlap when they fit),
    /// each kept inside its range.
    /// </summary>
    private static Dictionary<int, int[]> Windows(List<(int Fragment, int Offset, int Count)> ranges, long total, int count, int length,
        Random random)
    {
        var rows = new Dictionary<int, SortedSet<int>>();
        var stratum = total / count;
        for (var w = 0; w < count; w++)
        {
            var position = w * stratum + random.NextInt64(Math.Max(1, stratum - length + 1));
            var index = 0;
            while (position >= ranges[index].Count)
            {
                position -= ranges[index].Count;
                index++;
            }
            var (fragment, offset, size) = ranges[index];
            var start = offset + (int)Math.Max(0, Math.Min(position, size - length));
            var end = Math.Min(offset + size, start + length);
            var set = rows.TryGetValue(fragment, out var s) ? s : rows[fragment] = [];
            for (var r = start; r < end; r++)
            {
                set.Add(r);
            }
        }
        return rows.ToDictionary(p => p.Key, p => p.Value.ToArray());
    }

    private static BackfillPlanSample Summarize(BackfillPlan plan, UdfSpec udf, UdfProbe.Outcome outcome)
    {
        var notes = new List<string>();
        var calls = outcome.Calls;
        var timed = calls.Count >= 3 ? calls.Skip(1).ToList() : calls.ToList();
        var rates = timed.Where(c => c.Rows > 0).Select(c => c.Rows / Math.Max(c.UdfSeconds, 1e-7)).Order().ToList();
        var settings = plan.Settings;
        var (workers, _) = WorkerCapacity.Fit(settings.Concurrency, udf.NumCpus, udf.NumGpus, Environment.ProcessorCount,
            WorkerCapacity.VisibleGpus());
        var instances = (int)Math.Max(1, Math.Min((long)workers * settings.IntraApplierConcurrency, Math.Max(1, plan.TaskCount)));
        var median = Percentile(rates, 0.5);
        var p10 = Percentile(rates, 0.1);
        var p90 = Percentile(rates, 0.9);
        var first = calls.Count > 0 ? calls[0].ArrivedSeconds : 0;
        double Estimate(double rate) => plan.RowsToCompute == 0 ? 0 : rate > 0 ? first + plan.RowsToCompute / (rate * instances) : double.PositiveInfinity;

        var target = AdaptiveCheckpointSizer.DefaultTarget.TotalSeconds;
        var ideal = median * target;
        var suggested = (int)Math.Clamp(ideal, settings.MinCheckpointSize, settings.MaxCheckpointSize);
        if (ideal > settings.MaxCheckpointSize * 2.0)
        {
            notes.Add($"At {median:N0} rows/s a checkpoint of MaxCheckpointSize {settings.MaxCheckpointSize:N0} rows takes " +
                      $"{settings.MaxCheckpointSize / median:0.##} s of UDF time, under the sizer's {target:0} s target: the sizer stops there.");
        }
        if (instances > Environment.ProcessorCount)
        {
            notes.Add($"The estimate assumes {instances} instances run in parallel at the measured rate; a CPU-bound UDF gets " +
                      $"at most {Environment.ProcessorCount} core(s) here.");
        }
        if (timed.Count < calls.Count)
        {
            notes.Add($"The first call ({calls[0].Rows} rows, {calls[0].UdfSeconds:0.###} s) is left out of the rates: it pays for warming up.");
        }
        if (outcome.Errors.Count > 0)
        {
            notes.Add($"The UDF failed on {outcome.Errors.Count} sampled row(s), e.g. fragment {outcome.Errors.First().Key.Fragment}, " +
                      $"row {outcome.Errors.First().Key.Row}: {outcome.Errors.First().Value.Message}");
        }
        return new BackfillPlanSample
        {
            SampledRows = calls.Sum(c => c.Rows),
            Calls = calls.Count,
            TimedCalls = rates.Count,
            RowsPerSecond = median,
            RowsPerSecondP10 = p10,
            RowsPerSecondP90 = p90,
            RowsPerSecondMin = rates.Count > 0 ? rates[0] : 0,
            RowsPerSecondMax = rates.Count > 0 ? rates[^1] : 0,
            FirstResultSeconds = first,
            Device = outcome.Device,
            FailedRows = outcome.Errors.Count,
            Instances = instances,
            EstimatedSeconds = Estimate(median),
            EstimatedSecondsLow = Estimate(p90),
            EstimatedSecondsHigh = Estimate(p10),
            SuggestedCheckpointSize = suggested,
            TargetSeconds = target,
            Notes = notes,
        };
    }

    /// <summary>Linear interpolation between the closest ranks of sorted values; 0 when there are none.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
