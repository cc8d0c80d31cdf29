using Geneva.Core.Checkpoints;
using Geneva.Core.Storage.Lance;

namespace Geneva.Core.Storage;

/// <summary>
/// Removes columns the way Lance's <c>drop_columns</c> does: a new version whose schema lacks them, committed
/// as a Project transaction. Data files are not rewritten: a file that holds no remaining field leaves the
/// fragments, and a file that still holds one stays as it is (its dropped field ids are simply no longer in the
/// schema, which is what Lance writes too). Older versions keep every file, so they stay readable until a cleanup.
/// The columns' UDF bindings and provenance live in their schema fields and go with them; their jobs,
/// checkpoints and row errors are forgotten, so nothing resumes onto a column that is gone.
/// </summary>
public static class ColumnRemoval
{
    /// <summary>Geneva's name for the operation, in the version history.</summary>
    public const string Operation = "drop_column";

    private const string RemovalJobId = "remove-column";

    /// <summary>
    /// Removes <paramref name="names"/> (any case) in one commit. Refuses (ColumnInUse) when another computed
    /// column's UDF reads one of them, unless <paramref name="force"/>, which unbinds those columns (they keep
    /// their values as plain columns); refuses an indexed column, and (JobBusy) a column a job is computing now (or,
    /// forced, a column it would unbind).
    /// </summary>
    public static ColumnRemovalResult Remove(GenevaTable table, IReadOnlyList<string> names, bool force)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, "Name at least one column to remove.", table.Path);
        }
        var latest = GenevaTable.Open(table.Path);
        var removed = Resolve(latest.Manifest, names, table.Path);
        var unbound = Check(latest.Manifest, removed, force, table.Path);
        var leases = new List<JobLease>();
        try
        {
            // Holding the columns' leases keeps a backfill from starting on them while they go; one running
            // now makes the removal fail, before anything changed.
            // The columns left unbound too: a job computing one reads a removed column.
            foreach (var name in removed)
            {
                leases.Add(TakeLease(latest, name, $"Cannot remove column '{name}' of table '{table.Path}'"));
            }
            foreach (var name in unbound)
            {
                leases.Add(TakeLease(latest, name, $"Cannot remove a column that computed column '{name}' of table '{table.Path}' reads"));
            }
            var committed = latest.Commit(Operation, string.Join(", ", removed), manifest =>
            {
                var names = Resolve(manifest, removed, table.Path);
                var unbind = Check(manifest, names, force, table.Path);
                return Without(manifest, names, unbind);
            });
            var (jobs, checkpoints) = Forget(table.Path, removed);
            return new ColumnRemovalResult(committed, removed, unbound, jobs, checkpoints);
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    /// <summary>The manifest without the fields named in <paramref name="removed"/> (exact names), as Lance's Project leaves it.</summary>
    internal static TableManifest Without(TableManifest manifest, IReadOnlyList<string> removed, IReadOnlyList<string> unbind)
    {
        var gone = new HashSet<string>(removed, StringComparer.Ordinal);
        var fields = manifest.Fields.Where(f => !gone.Contains(f.Name)).ToList();
        var remaining = fields.Select(f => f.Id).ToHashSet();
        var fragments = manifest.Fragments
            .Select(f => f.Files.All(file => file.Columns.Any(remaining.Contains))
                ? f
                : f with { Files = f.Files.Where(file => file.Columns.Any(remaining.Contains)).ToList() })
            .ToList();
        var bindings = manifest.Bindings
            .Where(b => !gone.Contains(b.Key) && !unbind.Contains(b.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(b => b.Key, b => b.Value, StringComparer.OrdinalIgnoreCase);
        return manifest with { Fields = fields, Fragments = fragments, Bindings = bindings };
    }

    /// <summary>The fields' exact names, distinct; ColumnNotFound for a name the table lacks.</summary>
    private static List<string> Resolve(TableManifest manifest, IReadOnlyList<string> names, string path)
    {
        var result = names.Select(n => manifest.GetField(n).Name).Distinct(StringComparer.Ordinal).ToList();
        if (result.Count == manifest.Fields.Count)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"Cannot remove every column of table '{path}': a table keeps at least one column.", path);
        }
        return result;
    }

    /// <summary>The computed columns that read a removed one (to unbind under <paramref name="force"/>); throws ColumnInUse otherwise.</summary>
    private static List<string> Check(TableManifest manifest, List<string> removed, bool force, string path)
    {
        var gone = new HashSet<string>(removed, StringComparer.OrdinalIgnoreCase);
        var readers = manifest.Bindings
            .Where(b => !gone.Contains(b.Key))
            .Select(b => (Column: b.Key, Reads: b.Value.InputColumns.Where(gone.Contains).ToList()))
            .Where(r => r.Reads.Count > 0)
            .OrderBy(r => r.Column, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (readers.Count > 0 && !force)
        {
            var which = string.Join("; ", readers.Select(r =>
                $"'{r.Column}' (UDF '{manifest.Bindings[r.Column].Name}') reads {string.Join(", ", r.Reads.Select(c => $"'{c}'"))}"));
            throw new GenevaException(GenevaErrorCode.ColumnInUse,
                $"Cannot remove {string.Join(", ", removed.Select(c => $"'{c}'"))} from table '{path}': computed column(s) read it: {which}. " +
                "Remove those columns too, rebind them to UDFs that do not read it, or force the removal, which leaves them " +
                "unbound (their values stay, no backfill recomputes them).", readers[0].Column);
        }
        var indexed = IndexedColumns(manifest, removed);
        if (indexed.Count > 0)
        {
            throw new GenevaException(GenevaErrorCode.ColumnInUse,
                $"Cannot remove {string.Join(", ", indexed.Select(c => $"'{c}'"))} from table '{path}': an index covers it. " +
                "Drop the index (in LanceDB) first.", indexed[0]);
        }
        return readers.Select(r => r.Column).ToList();
    }

    /// <summary>The removed columns an index of the version covers: Lance would drop such an index, which Geneva does not rewrite.</summary>
    private static List<string> IndexedColumns(TableManifest manifest, List<string> removed)
    {
        if (manifest.Source is not { Manifest.HasIndexSection: true } source)
        {
            return [];
        }
        var section = Lance.Proto.IndexSection.Parser.ParseFrom(source.ReadSection(source.Manifest.IndexSection).Span);
        var topOf = LanceTableReader.TopLevelOf(source.Manifest.Fields);
        var covered = section.Indices.SelectMany(i => i.Fields).Select(id => topOf.GetValueOrDefault(id, id)).ToHashSet();
        return removed.Where(name => covered.Contains(manifest.GetField(name).Id)).ToList();
    }

    private static JobLease TakeLease(GenevaTable table, string column, string refusal)
    {
        try
        {
            return JobLease.ForColumn(table, column, RemovalJobId, LeaseOptions.Default, wait: false, CancellationToken.None);
        }
        catch (GenevaException e) when (e.Code == GenevaErrorCode.JobBusy)
        {
            throw new GenevaException(GenevaErrorCode.JobBusy,
                $"{refusal} while a job computes '{column}': {e.Message} " +
                "Stop that job (or let it finish), then remove the column.", e.Target, e);
        }
    }

    /// <summary>Forgets the removed columns' jobs and deletes their checkpoint files that no other receipt names.</summary>
    private static (IReadOnlyList<string> Jobs, int Checkpoints) Forget(string tablePath, IReadOnlyList<string> removed)
    {
        if (!File.Exists(CheckpointStore.PathFor(tablePath)))
        {
            return ([], 0);
        }
        using var store = CheckpointStore.Open(tablePath);
        var (jobs, files) = store.ForgetColumns([.. removed]);
        var kept = store.ReceiptFiles().ToHashSet(StringComparer.Ordinal);
        StoreCleanup.Delete(tablePath, files.Distinct(StringComparer.Ordinal).Where(f => !kept.Contains(f)));
        return (jobs, files.Count);
    }
}
