using System.Diagnostics;
using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Expressions;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Verification;

/// <summary>
/// Checks a computed column against its bound UDF without writing anything: counts how its rows stand
/// (from the values, the provenance its files carry, and the row errors in the job database, opened
/// read-only), draws a seeded uniform sample of the rows with a value, recomputes them through the executor a
/// backfill would use (<see cref="UdfProbe"/>) and compares.
/// </summary>
public static class BackfillVerifier
{
    /// <param name="executorFactory">Where the UDF runs, as for a backfill; asked for one worker with one instance.</param>
    /// <param name="log">Gets the executor's notices (verbose lines), on the calling thread.</param>
    public static BackfillVerification Verify(GenevaTable table, VerificationRequest request,
        Func<UdfSpec, BackfillSettings, ITaskExecutor> executorFactory, CancellationToken cancel = default, Action<string>? log = null)
    {
        request.Validate();
        var manifest = table.Manifest;
        var field = manifest.GetField(request.Column);
        var udf = manifest.FindBinding(field.Name) ?? throw new GenevaException(GenevaErrorCode.ColumnNotBound,
            $"Column '{field.Name}' is not bound to a UDF, so there is nothing to compare its values with.", field.Name);
        var where = BackfillPlanner.ParseFilter(table, request.Where);
        var seed = request.Seed ?? Random.Shared.Next();
        var scan = Scan(table, field, udf, where, request.Sample, seed, cancel);

        var sample = scan.Sample.OrderBy(s => s.Fragment).ThenBy(s => s.Row).ToList();
        var mismatches = new List<VerificationMismatch>();
        string? device = null;
        var clock = Stopwatch.StartNew();
        if (sample.Count > 0)
        {
            var warnings = new List<string>();
            var settings = BackfillSettings.Resolve(new BackfillRequest { Column = field.Name, Concurrency = 1, IntraApplierConcurrency = 1 },
                udf, warnings);
            var rows = sample.GroupBy(s => s.Fragment).ToDictionary(g => g.Key, g => g.Select(s => s.Row).ToArray());
            var outcome = UdfProbe.Run(table, field.Name, udf, rows, request.CallRows, executorFactory(udf, settings), cancel, log);
            device = outcome.Device;
            foreach (var s in sample)
            {
                var key = (s.Fragment, s.Row);
                if (outcome.Errors.TryGetValue(key, out var error))
                {
                    mismatches.Add(new VerificationMismatch(s.Fragment, s.Row, s.Stored, null, $"{error.ErrorType}: {error.Message}", s.Stale));
                    continue;
                }
                if (!outcome.Values.TryGetValue(key, out var recomputed))
                {
                    throw new GenevaException(GenevaErrorCode.UdfFailed,
                        $"The worker sent no value for fragment {s.Fragment}, row {s.Row}.", s.Fragment);
                }
                if (!ValueComparison.Matches(s.Stored, recomputed, request.Tolerance))
                {
                    mismatches.Add(new VerificationMismatch(s.Fragment, s.Row, s.Stored, recomputed, null, s.Stale));
                }
            }
        }
        return new BackfillVerification
        {
            TablePath = table.Path,
            TableVersion = table.Version,
            Column = field.Name,
            Where = where?.Normalized,
            UdfName = udf.Name,
            UdfVersion = udf.EffectiveVersion,
            Rows = scan.Rows,
            Filled = scan.Filled,
            Stale = scan.Stale,
            Null = scan.Null,
            Failed = scan.Failed,
            Seed = seed,
            Tolerance = request.Tolerance,
            Sampled = sample.Count,
            Matched = sample.Count - mismatches.Count,
            Mismatches = mismatches,
            Device = device,
            RecomputeSeconds = sample.Count > 0 ? clock.Elapsed.TotalSeconds : 0,
        };
    }

    /// <summary>A sampled row and the value stored in it.</summary>
    private readonly record struct SampledRow(int Fragment, int Row, bool Stale, object? Stored);

    private sealed class ScanResult
    {
        public long Rows;
        public long Filled;
        public long Stale;
        public long Null;
        public long Failed;
        public IReadOnlyList<SampledRow> Sample = [];
    }

    /// <summary>One pass over the column (and the filter's columns): the counts, and the sample with its stored values.</summary>
    private static ScanResult Scan(GenevaTable table, SchemaField field, UdfSpec udf, SqlExpression? where, int sampleSize, int seed,
        CancellationToken cancel)
    {
        var manifest = table.Manifest;
        var inputFields = udf.InputColumns.Select(manifest.GetField).ToList();
        var failed = FailedRows(table, field, udf);
        var reservoir = new RowReservoir<SampledRow>(sampleSize, seed);
        var result = new ScanResult();
        foreach (var fragment in manifest.Fragments)
        {
            cancel.ThrowIfCancellationRequested();
            var coverage = ColumnCoverage.Of(table, fragment, field, udf.EffectiveVersion, BackfillPlanner.FilesOf(fragment, inputFields));
            // Rows of a partly covered fragment outside every covered filter hold older values.
            var current = coverage.State == CoverageState.Partial
                ? SqlExpression.Parse($"coalesce({string.Join(" or ", coverage.Filters.Select(f => $"({f.Where})"))}, false)")
                : null;
            var fields = new List<SchemaField> { field };
            foreach (var name in (where?.Columns ?? []).Concat(current?.Columns ?? []))
            {
                var f = manifest.GetField(name);
                if (!fields.Contains(f))
                {
                    fields.Add(f);
                }
            }
            using var reader = new FragmentReader(table.Path, fragment);
            var deleted = reader.DeletedRows;
            var nextDeleted = 0;
            var grid = Math.Max(1, reader.BatchGrid(field));
            for (var start = 0; start < fragment.RowCount; start += grid)
            {
                cancel.ThrowIfCancellationRequested();
                var length = Math.Min(grid, fragment.RowCount - start);
                var batch = reader.Read(fields, start, length);
                var matches = where?.EvaluateFilter(batch);
                var isCurrent = current?.EvaluateFilter(batch);
                var column = batch.Column(0);
                for (var i = 0; i < length; i++)
                {
                    var row = start + i;
                    while (nextDeleted < deleted.Count && deleted[nextDeleted] < row)
                    {
                        nextDeleted++;
                    }
                    if ((nextDeleted < deleted.Count && deleted[nextDeleted] == row) || matches?[i] == false)
                    {
                        continue;
                    }
                    result.Rows++;
                    if (column.IsNull(i))
                    {
                        if (failed.Contains((fragment.Id, row)))
                        {
                            result.Failed++;
                        }
                        else
                        {
                            result.Null++;
                        }
                        continue;
                    }
                    var stale = coverage.State is CoverageState.Stale or CoverageState.NoValues || isCurrent?[i] == false;
                    if (stale)
                    {
                        result.Stale++;
                    }
                    else
                    {
                        result.Filled++;
                    }
                    if (reservoir.Offer(out var slot))
                    {
                        reservoir.Set(slot, new SampledRow(fragment.Id, row, stale, ArrowValues.GetValue(column, i)));
                    }
                }
            }
        }
        result.Sample = reservoir.Items;
        return result;
    }

    /// <summary>
    /// Rows a job of the current UDF version failed on for good (skipped, or the row that failed the job),
    /// from the job database opened read-only.
    /// </summary>
    private static HashSet<(int Fragment, int Row)> FailedRows(GenevaTable table, SchemaField field, UdfSpec udf)
    {
        using var store = CheckpointStore.OpenReadOnly(table.Path);
        var jobs = store.ListJobs()
            .Where(j => string.Equals(j.Column, field.Name, StringComparison.OrdinalIgnoreCase) && j.UdfVersion == udf.EffectiveVersion)
            .Select(j => j.JobId)
            .ToHashSet();
        return store.ListErrors(null)
            .Where(e => jobs.Contains(e.JobId) && e.Action is "Skip" or "Fail")
            .Select(e => (e.FragmentId, e.RowOffset))
            .ToHashSet();
    }
}
