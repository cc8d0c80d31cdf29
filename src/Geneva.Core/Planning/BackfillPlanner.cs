using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Geneva.Core.Checkpoints;
using Geneva.Core.Expressions;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Planning;

/// <summary>
/// Works out which fragments and row ranges a backfill must compute, from one pinned table
/// version and the checkpoints already saved: a retry costs only the missing work.
/// </summary>
public static class BackfillPlanner
{
    /// <summary>
    /// Plans <paramref name="request"/> against <paramref name="table"/>'s version. Counting the rows
    /// that need work reads every fragment, so <paramref name="cancel"/> is checked per fragment and
    /// per batch read.
    /// </summary>
    public static BackfillPlan Plan(GenevaTable table, BackfillRequest request, CheckpointStore store,
        CancellationToken cancel = default)
    {
        var manifest = table.Manifest;
        var field = manifest.GetField(request.Column);
        var udf = manifest.FindBinding(field.Name) ?? throw new GenevaException(GenevaErrorCode.ColumnNotBound,
            $"Column '{field.Name}' is not bound to a UDF, so there is nothing to backfill. Bind it with Set-GenevaColumn.",
            field.Name);
        var warnings = new List<string>();
        var settings = BackfillSettings.Resolve(request, udf, warnings);
        var where = ParseFilter(table, request.Where);
        var inputFields = udf.InputColumns.Select(manifest.GetField).ToList();
        var filterFields = where?.Columns.Select(manifest.GetField).ToList() ?? [];

        var fragments = new List<PlannedFragment>();
        var skipped = 0;
        foreach (var fragment in manifest.Fragments)
        {
            cancel.ThrowIfCancellationRequested();
            var planned = PlanFragment(table, fragment, field, udf, where, inputFields, filterFields, settings, store, cancel);
            if (planned is null)
            {
                skipped++;
            }
            else
            {
                fragments.Add(planned);
            }
        }
        var deferred = 0;
        if (settings.NumFrags is int n && fragments.Count > n)
        {
            deferred = fragments.Count - n;
            fragments = fragments.Take(n).ToList();
        }
        return new BackfillPlan
        {
            TablePath = table.Path,
            TableId = table.TableId,
            TableVersion = table.Version,
            Column = field.Name,
            Where = where?.Normalized,
            UdfName = udf.Name,
            UdfVersion = udf.EffectiveVersion,
            Request = request,
            Settings = settings,
            Fragments = fragments,
            Warnings = warnings,
            DeferredFragments = deferred,
            SkippedFragments = skipped,
        };
    }

    public static SqlExpression? ParseFilter(GenevaTable table, string? where)
    {
        if (string.IsNullOrWhiteSpace(where))
        {
            return null;
        }
        var expression = SqlExpression.Parse(where);
        var type = expression.GetResultType(table.ArrowSchema);
        if (type is not Apache.Arrow.Types.BooleanType)
        {
            throw new GenevaException(GenevaErrorCode.ExpressionInvalid,
                $"The filter '{where}' is not a condition: it gives {Arrow.ArrowTypeNames.Format(type)}, not bool.", where);
        }
        return expression;
    }

    private static PlannedFragment? PlanFragment(GenevaTable table, FragmentEntry fragment, SchemaField field, UdfSpec udf,
        SqlExpression? where, IReadOnlyList<SchemaField> inputFields, IReadOnlyList<SchemaField> filterFields,
        BackfillSettings settings, CheckpointStore store, CancellationToken cancel)
    {
        var targetFiles = fragment.FilesFor(field.Id);
        var inputFiles = FilesOf(fragment, inputFields);
        FragmentMode mode;
        if (where is not null)
        {
            mode = FragmentMode.Filter;
        }
        else if (targetFiles.Count == 0)
        {
            mode = FragmentMode.All;
        }
        else
        {
            mode = targetFiles.All(f => f.Provenance is { } p && p.UdfVersion == udf.EffectiveVersion &&
                                        p.InputFiles.SequenceEqual(inputFiles))
                ? FragmentMode.Nulls
                : FragmentMode.Stale;
        }
        var matching = mode switch
        {
            FragmentMode.All or FragmentMode.Stale => fragment.RowCount,
            FragmentMode.Nulls => CountNulls(table, fragment, field, cancel),
            _ => CountMatches(table, fragment, where!, filterFields, cancel),
        };
        if (matching == 0)
        {
            return null;
        }
        var merges = mode is FragmentMode.Nulls or FragmentMode.Filter;
        var key = FragmentKey(table.TableId, fragment.Id, field.Id, udf.EffectiveVersion, mode, where?.Normalized,
            inputFiles, merges ? FilesOf(fragment, [field, .. filterFields]) : FilesOf(fragment, filterFields));

        var covered = CoveredRanges(table.Path, store.ForFragment(key), fragment.RowCount);
        var tasks = new List<BackfillTask>();
        var checkpointed = 0;
        var position = 0;
        foreach (var (start, count) in covered.Append((fragment.RowCount, 0)))
        {
            for (var s = position; s < start;)
            {
                // Split on the global CheckpointSize grid so resumed tasks line up with fresh ones.
                var next = Math.Min(start, ((s / settings.CheckpointSize) + 1) * settings.CheckpointSize);
                tasks.Add(new BackfillTask(fragment.Id, s, next - s));
                s = next;
            }
            checkpointed += count;
            position = start + count;
        }
        return new PlannedFragment
        {
            FragmentId = fragment.Id,
            RowCount = fragment.RowCount,
            Mode = mode,
            Key = key,
            RowsToCompute = matching,
            CheckpointedRows = checkpointed,
            Tasks = tasks,
            InputFiles = inputFiles,
        };
    }

    /// <summary>Non-overlapping checkpointed ranges whose files still exist, in row order.</summary>
    internal static List<(int Start, int Count)> CoveredRanges(string tablePath, IReadOnlyList<CheckpointReceipt> receipts, int rowCount)
    {
        var result = new List<(int, int)>();
        var end = 0;
        foreach (var r in receipts.OrderBy(r => r.RowStart).ThenByDescending(r => r.RowCount))
        {
            if (r.RowStart < end || r.RowStart + r.RowCount > rowCount)
            {
                continue;
            }
            var file = Path.Combine(tablePath, r.File);
            if (!File.Exists(file) || new FileInfo(file).Length != r.Bytes)
            {
                continue; // a lost or damaged checkpoint is recomputed, never trusted
            }
            result.Add((r.RowStart, r.RowCount));
            end = r.RowStart + r.RowCount;
        }
        return result;
    }

    internal static IReadOnlyList<string> FilesOf(FragmentEntry fragment, IEnumerable<SchemaField> fields) =>
        fields.SelectMany(f => fragment.FilesFor(f.Id)).Select(f => f.Path).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToList();

    private static string FragmentKey(string tableId, int fragmentId, int fieldId, string udfVersion, FragmentMode mode,
        string? filter, IReadOnlyList<string> inputFiles, IReadOnlyList<string> otherFiles)
    {
        var json = JsonSerializer.Serialize(new object?[] { tableId, fragmentId, fieldId, udfVersion, mode.ToString(), filter, inputFiles, otherFiles });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
    }

    private static long CountNulls(GenevaTable table, FragmentEntry fragment, SchemaField field, CancellationToken cancel)
    {
        using var reader = new FragmentReader(table.Path, fragment);
        var grid = Math.Max(1, reader.BatchGrid(field));
        long nulls = 0;
        for (var start = 0; start < fragment.RowCount; start += grid)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = reader.Read([field], start, Math.Min(grid, fragment.RowCount - start));
            nulls += batch.Column(0).NullCount;
        }
        return nulls;
    }

    private static long CountMatches(GenevaTable table, FragmentEntry fragment, SqlExpression where, IReadOnlyList<SchemaField> fields,
        CancellationToken cancel)
    {
        if (fields.Count == 0)
        {
            var constant = where.EvaluateFilter(new Apache.Arrow.RecordBatch(new Apache.Arrow.Schema([], null), [], 1));
            return constant[0] ? fragment.RowCount : 0;
        }
        using var reader = new FragmentReader(table.Path, fragment);
        var grid = Math.Max(1, reader.BatchGrid(fields[0]));
        long count = 0;
        for (var start = 0; start < fragment.RowCount; start += grid)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = reader.Read(fields, start, Math.Min(grid, fragment.RowCount - start));
            foreach (var match in where.EvaluateFilter(batch))
            {
                count += match ? 1 : 0;
            }
        }
        return count;
    }
}
