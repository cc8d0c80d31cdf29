using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// The Lance transaction that describes a commit, so that LanceDB (and any other writer) can rebase its own
/// work onto ours: Overwrite to create, Append for new fragments, Project to remove columns, DataReplacement when a commit only swaps
/// whole data files of existing fragments for files with the same fields (a re-backfill), and Merge for the
/// rest (a new column's files, schema changes). Geneva's name for the operation rides in the properties.
/// </summary>
internal static class LanceTransactionBuilder
{
    public static Transaction Build(TableManifest next, Manifest built)
    {
        var previous = next.Source?.Manifest;
        var transaction = new Transaction
        {
            ReadVersion = previous?.Version ?? 0,
            Uuid = Guid.NewGuid().ToString(),
        };
        transaction.TransactionProperties[GenevaLanceMetadata.OperationKey] = next.Operation;
        if (next.OperationDetail is { } detail)
        {
            transaction.TransactionProperties[GenevaLanceMetadata.DetailKey] = detail;
        }
        if (previous is null)
        {
            var overwrite = new Transaction.Types.Overwrite();
            overwrite.Fragments.AddRange(built.Fragments);
            overwrite.Schema.AddRange(built.Fields);
            overwrite.SchemaMetadata.Add(built.SchemaMetadata);
            transaction.Overwrite = overwrite;
            return transaction;
        }
        if (next.Operation == ColumnRemoval.Operation)
        {
            // As Lance's drop_columns: the new schema; readers drop the files that hold none of its fields.
            var project = new Transaction.Types.Project();
            project.Schema.AddRange(built.Fields);
            transaction.Project = project;
            return transaction;
        }
        var before = previous.Fragments.ToDictionary(f => f.Id);
        var changed = built.Fragments.Where(f => before.TryGetValue(f.Id, out var old) && !old.Equals(f)).ToList();
        var added = built.Fragments.Where(f => !before.ContainsKey(f.Id)).ToList();
        var removed = before.Keys.Except(built.Fragments.Select(f => f.Id)).Any();
        var sameSchema = SameFields(previous, built);
        if (sameSchema && changed.Count == 0 && !removed && added.Count > 0)
        {
            var append = new Transaction.Types.Append();
            append.Fragments.AddRange(added);
            transaction.Append = append;
            return transaction;
        }
        if (sameSchema && added.Count == 0 && !removed && changed.Count > 0 &&
            Replacements(changed, before) is { } replacements)
        {
            var replacement = new Transaction.Types.DataReplacement();
            replacement.Replacements.AddRange(replacements);
            transaction.DataReplacement = replacement;
            return transaction;
        }
        var merge = new Transaction.Types.Merge();
        merge.Fragments.AddRange(built.Fragments);
        merge.Schema.AddRange(built.Fields);
        merge.SchemaMetadata.Add(built.SchemaMetadata);
        transaction.Merge = merge;
        return transaction;
    }

    /// <summary>Same field ids, names and types; metadata (bindings, provenance) may differ.</summary>
    private static bool SameFields(Manifest a, Manifest b) =>
        a.Fields.Count == b.Fields.Count &&
        a.Fields.Zip(b.Fields).All(p => p.First.Id == p.Second.Id && p.First.Name == p.Second.Name &&
                                         p.First.LogicalType == p.Second.LogicalType);

    /// <summary>
    /// The replacement groups when every changed fragment differs from before only by one file swapped for
    /// another with the same fields; null otherwise.
    /// </summary>
    private static List<Transaction.Types.DataReplacementGroup>? Replacements(List<DataFragment> changed,
        Dictionary<ulong, DataFragment> before)
    {
        var groups = new List<Transaction.Types.DataReplacementGroup>();
        foreach (var now in changed)
        {
            var old = before[now.Id];
            if (now.Files.Count != old.Files.Count || now.PhysicalRows != old.PhysicalRows ||
                !Equals(now.DeletionFile, old.DeletionFile))
            {
                return null;
            }
            var swapped = now.Files.Where(f => !old.Files.Contains(f)).ToList();
            if (swapped.Count != 1)
            {
                return null;
            }
            var replaced = old.Files.Where(f => !now.Files.Contains(f)).ToList();
            if (replaced.Count != 1 || !replaced[0].Fields.SequenceEqual(swapped[0].Fields))
            {
                return null;
            }
            groups.Add(new Transaction.Types.DataReplacementGroup { FragmentId = now.Id, NewFile = swapped[0] });
        }
        return groups;
    }
}
