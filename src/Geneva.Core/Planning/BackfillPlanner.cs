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
/// version, what the column's provenance says the current UDF version already computed, and the
/// checkpoints already saved: a retry costs only the missing work, and a finished column plans nothing.
/// </summary>
public static class BackfillPlanner
{
    /// <summary>
    /// Plans <paramref name="request"/> against <paramref name="table"/>'s version. Counting the rows
    /// that need work reads every fragment, so <paramref name="cancel"/> is checked per fragment and
    /// per batch read. <paramref name="jobId"/> is the job the plan is for, if any: retries of skipped
    /// rows are checkpointed per job, so a retry whose rows failed again (and was not committed)
    /// does not stand in for the next one.
    /// </summary>
    public static BackfillPlan Plan(GenevaTable table, BackfillRequest request, CheckpointStore store,
        CancellationToken cancel = default, string? jobId = null, bool concurrencyOnThisMachine = true)
    {
        var manifest = table.Manifest;
        var field = manifest.GetField(request.Column);
        var udf = manifest.FindBinding(field.Name) ?? throw new GenevaException(GenevaErrorCode.ColumnNotBound,
            $"Column '{field.Name}' is not bound to a UDF, so there is nothing to backfill. Bind it to a UDF first.",
            field.Name);
        var warnings = new List<string>();
        var settings = BackfillSettings.Resolve(request, udf, warnings, concurrencyOnThisMachine);
        var where = ParseFilter(table, request.Where);
        var context = new Context(table, field, udf, where, udf.InputColumns.Select(manifest.GetField).ToList(),
            settings, store, request.RetryErrors, jobId, cancel);

        var fragments = new List<PlannedFragment>();
        var skipped = 0;
        foreach (var fragment in manifest.Fragments)
        {
            cancel.ThrowIfCancellationRequested();
            var planned = PlanFragment(context, fragment);
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

    /// <summary>What every fragment's planning shares.</summary>
    private sealed record Context(GenevaTable Table, SchemaField Field, UdfSpec Udf, SqlExpression? Where,
        IReadOnlyList<SchemaField> InputFields, BackfillSettings Settings, CheckpointStore Store, bool RetryErrors,
        string? JobId, CancellationToken Cancel);

    /// <summary>
    /// Which rows of one fragment to compute: the user's filter (if any) narrowed to the rows the
    /// current UDF version has not computed (<see cref="ColumnCoverage"/>), plus null rows when
    /// retrying errors. Null when nothing is left to do.
    /// </summary>
    private static PlannedFragment? PlanFragment(Context c, FragmentEntry fragment)
    {
        var inputFiles = FilesOf(fragment, c.InputFields);
        var coverage = ColumnCoverage.Of(c.Table, fragment, c.Field, c.Udf.EffectiveVersion, inputFiles);
        var isNull = $"{Quote(c.Field.Name)} is null";
        var userWhere = c.Where?.Normalized;

        // Rows the current version has not computed, as a condition ("true": all; null: none).
        string? uncomputed = coverage.State switch
        {
            CoverageState.NoValues or CoverageState.Stale => "true",
            CoverageState.Legacy => isNull,
            CoverageState.Partial when userWhere is not null && coverage.Covers(userWhere) => null,
            CoverageState.Partial => $"not coalesce({string.Join(" or ", coverage.Filters.Select(f => $"({f.Where})"))}, false)",
            _ => null,
        };
        if (c.RetryErrors && uncomputed != "true")
        {
            // Rows skipped after an error are null; rows whose UDF returned null are computed again (and stay null).
            uncomputed = uncomputed is null || uncomputed == isNull ? isNull : $"({uncomputed}) or {isNull}";
        }
        if (uncomputed is null)
        {
            return null;
        }

        FragmentMode mode;
        SqlExpression? selection;
        if (userWhere is null && uncomputed == "true")
        {
            mode = coverage.State == CoverageState.NoValues ? FragmentMode.All : FragmentMode.Stale;
            selection = null;
        }
        else if (userWhere is null && uncomputed == isNull)
        {
            mode = FragmentMode.Nulls;
            selection = null;
        }
        else
        {
            mode = userWhere is null ? FragmentMode.Remaining : FragmentMode.Filter;
            selection = SqlExpression.Parse(userWhere is null ? uncomputed
                : uncomputed == "true" ? userWhere : $"({userWhere}) and ({uncomputed})");
        }
        var selectionFields = selection?.Columns.Select(c.Table.Manifest.GetField).ToList() ?? [];

        var cellSize = c.Settings.CheckpointSize;
        var cells = new long[(fragment.RowCount + cellSize - 1) / cellSize];
        var deleted = Deleted(c.Table, fragment);
        var matching = mode switch
        {
            FragmentMode.All or FragmentMode.Stale => FillCells(cells, fragment.RowCount, cellSize) - Uncount(cells, deleted, cellSize),
            FragmentMode.Nulls => CountNulls(c.Table, fragment, c.Field, deleted, cells, cellSize, c.Cancel),
            _ => CountMatches(c.Table, fragment, selection!, selectionFields, deleted, cells, cellSize, c.Cancel),
        };
        if (matching == 0)
        {
            return null;
        }
        var merges = mode is not (FragmentMode.All or FragmentMode.Stale);
        var key = FragmentKey(c.Table.TableId, fragment.Id, c.Field.Id, c.Udf.EffectiveVersion, mode, selection?.Normalized,
            inputFiles, merges ? FilesOf(fragment, [c.Field, .. selectionFields]) : FilesOf(fragment, selectionFields),
            coverage.State == CoverageState.Complete ? c.JobId : null);

        var receipts = c.Store.ForFragment(key);
        var covered = CoveredRanges(c.Table.Path, receipts, fragment.RowCount);
        var tasks = new List<BackfillTask>();
        long checkpointed = 0;
        var position = 0;
        foreach (var (start, count) in covered.Append((fragment.RowCount, 0)))
        {
            tasks.AddRange(SplitGap(fragment.Id, position, start, cells, cellSize));
            // Counted as the job counts rows: the range's computed rows, not the rows it only copies.
            checkpointed += receipts.FirstOrDefault(r => r.RowStart == start && r.RowCount == count)?.RowsComputed ?? 0;
            position = start + count;
        }
        return new PlannedFragment
        {
            FragmentId = fragment.Id,
            RowCount = fragment.RowCount,
            Mode = mode,
            Key = key,
            RowsToCompute = matching,
            CheckpointedRows = (int)Math.Min(checkpointed, matching),
            Tasks = tasks,
            InputFiles = inputFiles,
            Where = selection?.Normalized,
            Outcome = Outcome(c, fragment, coverage, inputFiles),
            RetriesOnly = coverage.State == CoverageState.Complete,
        };
    }

    /// <summary>
    /// Tasks for the rows [start, end) no checkpoint covers, on the global CheckpointSize grid so
    /// resumed tasks line up with fresh ones. A grid cell with no row to compute joins its
    /// neighbour's task, so rows that are only copied never make a task (or a checkpoint) of their
    /// own; a gap with nothing to compute at all is one task, which copies its values.
    /// </summary>
    private static List<BackfillTask> SplitGap(int fragmentId, int start, int end, long[] cells, int cellSize)
    {
        var ranges = new List<(int Start, int End, long Rows)>();
        for (var s = start; s < end;)
        {
            var next = Math.Min(end, ((s / cellSize) + 1) * cellSize);
            // A cell cut by a checkpoint boundary counts its uncovered part as work when the cell has any.
            var rows = cells[s / cellSize];
            if (ranges.Count > 0 && (rows == 0 || ranges[^1].Rows == 0))
            {
                ranges[^1] = (ranges[^1].Start, next, ranges[^1].Rows + rows);
            }
            else
            {
                ranges.Add((s, next, rows));
            }
            s = next;
        }
        return ranges.Select(r => new BackfillTask(fragmentId, r.Start, r.End - r.Start)).ToList();
    }

    /// <summary>
    /// The coverage a fragment's column has once this plan's work on it commits. Without a user
    /// filter every row is then the current version's; with one, the filter joins the ones already
    /// covered (unless the fragment was complete, or of unknown coverage, which it stays).
    /// </summary>
    private static ColumnProvenance Outcome(Context c, FragmentEntry fragment, ColumnCoverage coverage, IReadOnlyList<string> inputFiles)
    {
        var provenance = new ColumnProvenance(c.Udf.EffectiveVersion, inputFiles);
        if (c.Where is null || coverage.State == CoverageState.Complete)
        {
            return provenance with { Complete = true };
        }
        if (coverage.State == CoverageState.Legacy)
        {
            return provenance;
        }
        var filter = new CoveredFilter(c.Where.Normalized, ColumnCoverage.FilterFiles(c.Table, fragment, c.Field, c.Where));
        var filters = coverage.State == CoverageState.Partial
            ? coverage.Filters.Where(f => f.Where != filter.Where).Append(filter).TakeLast(ColumnProvenance.MaxFilters).ToList()
            : [filter];
        return provenance with { Complete = false, Filters = filters };
    }

    /// <summary>A column name as the expression parser reads it, whatever it contains.</summary>
    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Non-overlapping checkpointed ranges whose files still exist, in row order.</summary>
    /// <param name="verifyChecksums">
    /// Read every file back and check its checksum (planning: the files are about to be reused); else
    /// only its size (a commit of receipts this run just recorded or planning just verified).
    /// </param>
    internal static List<(int Start, int Count)> CoveredRanges(string tablePath, IReadOnlyList<CheckpointReceipt> receipts, int rowCount,
        bool verifyChecksums = true)
    {
        var result = new List<(int, int)>();
        var end = 0;
        foreach (var r in receipts.OrderBy(r => r.RowStart).ThenByDescending(r => r.RowCount))
        {
            if (r.RowStart < end || r.RowStart + r.RowCount > rowCount)
            {
                continue;
            }
            if (!CheckpointFiles.Verify(tablePath, r, verifyChecksums))
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
        string? filter, IReadOnlyList<string> inputFiles, IReadOnlyList<string> otherFiles, string? retryJob)
    {
        object?[] parts = [tableId, fragmentId, fieldId, udfVersion, mode.ToString(), filter, inputFiles, otherFiles];
        var json = JsonSerializer.Serialize(retryJob is null ? parts : [.. parts, retryJob], GenevaJsonCanonical.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
    }

    private static long FillCells(long[] cells, int rowCount, int cellSize)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = Math.Min(cellSize, rowCount - ((long)i * cellSize));
        }
        return rowCount;
    }

    /// <summary>The fragment's rows a Lance delete removed, as a mask over its physical rows; null when none is.</summary>
    private static bool[]? Deleted(GenevaTable table, FragmentEntry fragment)
    {
        if (fragment.Deletion is null)
        {
            return null;
        }
        using var reader = new FragmentReader(table.Path, fragment);
        var mask = new bool[fragment.RowCount];
        foreach (var row in reader.DeletedRows)
        {
            if (row < mask.Length)
            {
                mask[row] = true;
            }
        }
        return mask;
    }

    /// <summary>Takes deleted rows out of the per-cell counts of a fragment whose every row was counted; returns how many.</summary>
    private static long Uncount(long[] cells, bool[]? deleted, int cellSize)
    {
        if (deleted is null)
        {
            return 0;
        }
        long count = 0;
        for (var i = 0; i < deleted.Length; i++)
        {
            if (deleted[i])
            {
                cells[i / cellSize]--;
                count++;
            }
        }
        return count;
    }

    /// <summary>Null rows of the column (deleted rows aside), counted per CheckpointSize cell into <paramref name="cells"/>.</summary>
    private static long CountNulls(GenevaTable table, FragmentEntry fragment, SchemaField field, bool[]? deleted, long[] cells,
        int cellSize, CancellationToken cancel)
    {
        using var reader = new FragmentReader(table.Path, fragment);
        var grid = Math.Max(1, reader.BatchGrid(field));
        long nulls = 0;
        for (var start = 0; start < fragment.RowCount; start += grid)
        {
            cancel.ThrowIfCancellationRequested();
            var length = Math.Min(grid, fragment.RowCount - start);
            var column = reader.Read([field], start, length).Column(0);
            if (deleted is not null)
            {
                for (var i = 0; i < length; i++)
                {
                    if (column.IsNull(i) && !deleted[start + i])
                    {
                        cells[(start + i) / cellSize]++;
                        nulls++;
                    }
                }
                continue;
            }
            if (start / cellSize == (start + length - 1) / cellSize)
            {
                cells[start / cellSize] += column.NullCount;
            }
            else
            {
                for (var i = 0; i < length; i++)
                {
                    cells[(start + i) / cellSize] += column.IsNull(i) ? 1 : 0;
                }
            }
            nulls += column.NullCount;
        }
        return nulls;
    }

    /// <summary>Rows matching <paramref name="where"/>, counted per CheckpointSize cell into <paramref name="cells"/>.</summary>
    private static long CountMatches(GenevaTable table, FragmentEntry fragment, SqlExpression where, IReadOnlyList<SchemaField> fields,
        bool[]? deleted, long[] cells, int cellSize, CancellationToken cancel)
    {
        if (fields.Count == 0)
        {
            var constant = where.EvaluateFilter(new Apache.Arrow.RecordBatch(new Apache.Arrow.Schema([], null), [], 1));
            return constant[0] ? FillCells(cells, fragment.RowCount, cellSize) - Uncount(cells, deleted, cellSize) : 0;
        }
        using var reader = new FragmentReader(table.Path, fragment);
        var grid = Math.Max(1, reader.BatchGrid(fields[0]));
        long count = 0;
        for (var start = 0; start < fragment.RowCount; start += grid)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = reader.Read(fields, start, Math.Min(grid, fragment.RowCount - start));
            var mask = where.EvaluateFilter(batch);
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] && deleted?[start + i] != true)
                {
                    count++;
                    cells[(start + i) / cellSize]++;
                }
            }
        }
        return count;
    }
}
