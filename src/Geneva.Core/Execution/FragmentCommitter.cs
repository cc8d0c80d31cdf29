using Geneva.Core.Checkpoints;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Execution;

/// <summary>
/// Turns fully checkpointed fragments into a new table version: each fragment's column gets the
/// Lance data file made from its checkpoints. Applied to the latest version, so appends and other
/// columns' commits made meanwhile are kept; a fragment whose rows or inputs changed meanwhile
/// is left out (reported in <see cref="Conflicts"/>) and a re-run finishes it.
/// </summary>
internal sealed class FragmentCommitter(GenevaTable pinned, BackfillPlan plan)
{
    private readonly List<string> _conflicts = [];
    private readonly HashSet<int> _committedIds = [];
    private long _latestVersion = -1;
    private HashSet<int> _latestIds = [];

    public IReadOnlyList<string> Conflicts => _conflicts;

    public int Committed { get; private set; }

    /// <summary>Whether the last commit included the fragment (false: left out as a conflict).</summary>
    public bool Included(int fragmentId) => _committedIds.Contains(fragmentId);

    public long RowsCommitted { get; private set; }

    public int Attempts { get; private set; }

    public GenevaTable Commit(IReadOnlyList<(PlannedFragment Fragment, IReadOnlyList<DataFileEntry> Files)> done)
    {
        var field = pinned.Manifest.GetField(plan.Column);
        var udf = pinned.Manifest.FindBinding(field.Name)!;
        var watched = udf.InputColumns.Select(pinned.Manifest.GetField).ToList();
        var where = BackfillPlanner.ParseFilter(pinned, plan.Where);
        watched.AddRange(where?.Columns.Select(pinned.Manifest.GetField) ?? []);
        var detail = $"{plan.Column}: {done.Count} fragment(s)";
        GenevaTable result;
        try
        {
            result = CommitIncluded(done, field, udf, watched, detail);
        }
        catch (NothingToCommitException)
        {
            // Every fragment was left out: publishing an unchanged version would only add noise to the history.
            Attempts = 1;
            return GenevaTable.Open(pinned.Path);
        }
        return result;
    }

    /// <summary>Thrown from inside the commit's change when no fragment is left to commit, to publish nothing.</summary>
    private sealed class NothingToCommitException : Exception;

    private GenevaTable CommitIncluded(IReadOnlyList<(PlannedFragment Fragment, IReadOnlyList<DataFileEntry> Files)> done,
        SchemaField field, Udfs.UdfSpec udf, List<SchemaField> watched, string detail)
    {
        var result = pinned.Commit("backfill", detail, latest =>
        {
            _conflicts.Clear();
            _committedIds.Clear();
            Committed = 0;
            RowsCommitted = 0;
            var binding = latest.FindBinding(field.Name);
            if (binding is null || binding.EffectiveVersion != udf.EffectiveVersion)
            {
                throw new GenevaException(GenevaErrorCode.CommitConflict,
                    $"Column '{field.Name}' was rebound to another UDF version while the backfill ran; nothing was committed. Run it again.",
                    field.Name);
            }
            var fragments = latest.Fragments.ToList();
            foreach (var (planned, files) in done)
            {
                var index = fragments.FindIndex(f => f.Id == planned.FragmentId);
                var before = pinned.Manifest.Fragments.First(f => f.Id == planned.FragmentId);
                if (index < 0)
                {
                    _conflicts.Add(RemovedMessage(planned.FragmentId));
                    continue;
                }
                var now = fragments[index];
                var reads = planned.Where is null ? watched
                    : watched.Concat(Expressions.SqlExpression.Parse(planned.Where).Columns.Select(pinned.Manifest.GetField)).Distinct().ToList();
                var changed = now.RowCount != before.RowCount ||
                    !BackfillPlanner.FilesOf(now, reads).SequenceEqual(BackfillPlanner.FilesOf(before, reads)) ||
                    !BackfillPlanner.FilesOf(now, [field]).SequenceEqual(BackfillPlanner.FilesOf(before, [field]));
                if (changed)
                {
                    _conflicts.Add($"Fragment {planned.FragmentId} changed while the backfill ran (its rows, inputs or " +
                                   $"'{field.Name}' values); run the backfill again to finish it.");
                    continue;
                }
                fragments[index] = now with { Files = [.. WithoutField(now.Files, field.Id), .. files] };
                Committed++;
                _committedIds.Add(planned.FragmentId);
                RowsCommitted += planned.RowsToCompute;
            }
            if (Committed == 0)
            {
                throw new NothingToCommitException();
            }
            return latest with { Fragments = fragments };
        }, out var attempts);
        Attempts = attempts;
        return result;
    }

    /// <summary>
    /// Whether the fragment is gone from the newest version: a compaction (LanceDB's optimize) rewrote its rows
    /// into other fragments, or a delete emptied it. Its column file is then not worth building. The newest
    /// fragment ids are re-read only when the version changed.
    /// </summary>
    public bool Removed(int fragmentId)
    {
        var latest = ManifestStore.LatestVersion(pinned.Path);
        if (latest != _latestVersion)
        {
            _latestIds = ManifestStore.Read(pinned.Path, latest).Fragments.Select(f => f.Id).ToHashSet();
            _latestVersion = latest;
        }
        return !_latestIds.Contains(fragmentId);
    }

    public static string RemovedMessage(int fragmentId) =>
        $"Fragment {fragmentId} was removed while the backfill ran (a compaction such as LanceDB's optimize rewrote " +
        "its rows into new fragments, or a delete emptied it); nothing was written for it. Run the backfill again " +
        "to fill the rewritten rows.";

    /// <summary>Drops <paramref name="fieldId"/> from a fragment's files: tombstoned in shared files, dropped where alone.</summary>
    private static IEnumerable<DataFileEntry> WithoutField(IReadOnlyList<DataFileEntry> files, int fieldId) =>
        files.Select(f => f.Holds(fieldId) ? f.Without(fieldId) : f).OfType<DataFileEntry>();

    /// <summary>
    /// Writes the Lance data file of a fragment's column from its checkpoints, streamed in row order (a Lance
    /// file covers all its fragment's rows, so the pieces become one file here); null when the checkpoints do
    /// not tile the fragment (yet).
    /// </summary>
    public static DataFileEntry? FileFromCheckpoints(GenevaTable pinned, PlannedFragment planned,
        IReadOnlyList<CheckpointReceipt> receipts, SchemaField field, ColumnProvenance provenance)
    {
        // Planning verified reused checkpoints' checksums and this run's were just written: sizes suffice here.
        var covered = BackfillPlanner.CoveredRanges(pinned.Path, receipts, planned.RowCount, verifyChecksums: false);
        if (covered.Sum(c => (long)c.Count) != planned.RowCount)
        {
            return null;
        }
        var arrowField = new Apache.Arrow.Field(field.Name, Arrow.ArrowTypeNames.Parse(field.Type), true);
        using var writer = new DataFileWriter(pinned.Path, DataFileWriter.NewDataFileName(), new Apache.Arrow.Schema([arrowField], null),
            Storage.Lance.LanceManifestBuilder.FieldGroup(field, pinned.Manifest.Source?.Manifest),
            Storage.Lance.Files.LanceDataFiles.VersionOf(pinned.Manifest.Source?.Manifest));
        foreach (var (start, count) in covered)
        {
            var receipt = receipts.First(r => r.RowStart == start && r.RowCount == count);
            CheckpointFiles.CopyInto(pinned.Path, receipt, writer);
        }
        return writer.Finish(provenance);
    }
}
