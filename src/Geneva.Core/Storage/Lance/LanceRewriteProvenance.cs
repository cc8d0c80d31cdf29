using Geneva.Core.Planning;
using Geneva.Core.Storage.Lance.Proto;
using Geneva.Core.Udfs;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// Carries a computed column's provenance through a compaction (LanceDB's <c>optimize</c>, a Lance Rewrite).
/// A rewrite moves rows into new data files, which the provenance in the field metadata (keyed by data file)
/// does not name, so without this every compacted fragment would count as of unknown origin and be recomputed.
/// A new file's values count as computed when, in the version before the rewrite, every old fragment of its
/// rewrite group held values the same UDF version computed for all its rows from the inputs it had then. The
/// recovered provenance names the inputs the rewrite wrote, so a later change of them still makes it stale.
/// Our next commit writes the recovered provenance into the metadata, so the walk back happens until then.
/// </summary>
internal static class LanceRewriteProvenance
{
    /// <summary>How far back a reader looks for the rewrite that made a file (and the version before it).</summary>
    public const int MaxVersionsBack = 64;

    /// <param name="topOf">Each Lance field id's top-level field (a list's item field names its list).</param>
    public static List<FragmentEntry> Recover(string datasetPath, ulong version, int depth, IReadOnlyList<SchemaField> fields,
        IReadOnlyDictionary<int, int> topOf, IReadOnlyDictionary<string, UdfSpec> bindings, List<FragmentEntry> fragments)
    {
        var missing = Missing(fields, bindings, fragments);
        if (missing.Count == 0 || depth >= MaxVersionsBack)
        {
            return fragments;
        }
        var made = FindRewrites(datasetPath, version, MaxVersionsBack - depth, missing.Select(m => m.Path).ToHashSet(StringComparer.Ordinal));
        if (made.Count == 0)
        {
            return fragments;
        }
        var before = new Dictionary<ulong, TableManifest?>();
        var recovered = new Dictionary<(int Field, string Path), ColumnProvenance>();
        foreach (var (field, path, udf, inputs) in missing)
        {
            if (!made.TryGetValue(path, out var rewrite))
            {
                continue;
            }
            if (!before.TryGetValue(rewrite.Version, out var previous))
            {
                previous = ReadBefore(datasetPath, rewrite.Version, depth + (int)(version - rewrite.Version) + 1);
                before[rewrite.Version] = previous;
            }
            if (previous is not null && ComputedWhole(previous, rewrite.Group, field, udf, inputs))
            {
                recovered[(field.Id, path)] = new ColumnProvenance(udf.EffectiveVersion, InputFilesOf(rewrite.Fragment, inputs, topOf))
                {
                    Complete = true,
                };
            }
        }
        return recovered.Count == 0 ? fragments : fragments.Select(f => WithRecovered(f, recovered)).ToList();
    }

    private readonly record struct MissingFile(SchemaField Field, string Path, UdfSpec Udf, IReadOnlyList<SchemaField> Inputs);

    private readonly record struct Rewrite(ulong Version, Transaction.Types.Rewrite.Types.RewriteGroup Group, DataFragment Fragment);

    /// <summary>The files of bound columns whose provenance the metadata does not give.</summary>
    private static List<MissingFile> Missing(IReadOnlyList<SchemaField> fields, IReadOnlyDictionary<string, UdfSpec> bindings,
        List<FragmentEntry> fragments)
    {
        var byName = fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var missing = new List<MissingFile>();
        foreach (var (name, udf) in bindings)
        {
            if (!byName.TryGetValue(name, out var field) || udf.InputColumns.Any(c => !byName.ContainsKey(c)))
            {
                continue;
            }
            var inputs = udf.InputColumns.Select(c => byName[c]).ToList();
            missing.AddRange(fragments.SelectMany(f => f.FilesFor(field.Id))
                .Where(f => f.ProvenanceOf(field.Id) is null)
                .Select(f => new MissingFile(field, f.Path, udf, inputs)));
        }
        return missing;
    }

    /// <summary>
    /// Walks back from <paramref name="version"/> through the transactions, to the rewrites whose new fragments
    /// hold the files asked for; stops at an overwrite, a version cleaned up, or <paramref name="limit"/> versions.
    /// </summary>
    private static Dictionary<string, Rewrite> FindRewrites(string datasetPath, ulong version, int limit, HashSet<string> wanted)
    {
        var made = new Dictionary<string, Rewrite>(StringComparer.Ordinal);
        for (var v = version; v >= 1 && version - v < (ulong)limit && made.Count < wanted.Count; v--)
        {
            Transaction? transaction;
            try
            {
                transaction = File.Exists(LanceVersions.ManifestPath(datasetPath, v)) ? LanceTransactionFile.ForVersion(datasetPath, v) : null;
            }
            catch (GenevaException)
            {
                break; // a corrupt or half-cleaned-up old version: provenance stays unknown, so the rows are recomputed
            }
            if (transaction is null || transaction.OperationCase == Transaction.OperationOneofCase.Overwrite)
            {
                break;
            }
            if (transaction.OperationCase != Transaction.OperationOneofCase.Rewrite)
            {
                continue;
            }
            foreach (var group in transaction.Rewrite.Groups)
            {
                foreach (var fragment in group.NewFragments)
                {
                    foreach (var file in fragment.Files)
                    {
                        var path = LanceTableReader.DataFolder + "/" + file.Path;
                        if (wanted.Contains(path))
                        {
                            made.TryAdd(path, new Rewrite(v, group, fragment));
                        }
                    }
                }
            }
        }
        return made;
    }

    private static TableManifest? ReadBefore(string datasetPath, ulong rewriteVersion, int depth)
    {
        if (rewriteVersion <= 1 || !File.Exists(LanceVersions.ManifestPath(datasetPath, rewriteVersion - 1)))
        {
            return null;
        }
        try
        {
            return LanceTableReader.Read(datasetPath, rewriteVersion - 1, depth);
        }
        catch (GenevaException)
        {
            return null;
        }
    }

    /// <summary>Whether every old fragment of the group held <paramref name="field"/> values the UDF computed for all its rows from its inputs then.</summary>
    private static bool ComputedWhole(TableManifest previous, Transaction.Types.Rewrite.Types.RewriteGroup group, SchemaField field,
        UdfSpec udf, IReadOnlyList<SchemaField> inputs)
    {
        foreach (var old in group.OldFragments)
        {
            var fragment = previous.Fragments.FirstOrDefault(f => f.Id == (int)old.Id);
            var files = fragment?.FilesFor(field.Id) ?? [];
            if (files.Count == 0)
            {
                return false;
            }
            var inputFiles = BackfillPlanner.FilesOf(fragment!, inputs);
            if (files.Any(f => f.ProvenanceOf(field.Id) is not { Complete: true } p || p.UdfVersion != udf.EffectiveVersion ||
                               !p.InputFiles.SequenceEqual(inputFiles)))
            {
                return false;
            }
        }
        return group.OldFragments.Count > 0;
    }

    /// <summary>The data files of the rewritten fragment that hold the inputs, as <see cref="BackfillPlanner.FilesOf"/> names them.</summary>
    private static List<string> InputFilesOf(DataFragment fragment, IReadOnlyList<SchemaField> inputs, IReadOnlyDictionary<int, int> topOf)
    {
        var ids = inputs.Select(i => i.Id).ToHashSet();
        return fragment.Files.Where(f => f.Fields.Any(id => id >= 0 && ids.Contains(topOf.GetValueOrDefault(id, id))))
            .Select(f => LanceTableReader.DataFolder + "/" + f.Path)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static FragmentEntry WithRecovered(FragmentEntry fragment, Dictionary<(int Field, string Path), ColumnProvenance> recovered)
    {
        if (!fragment.Files.Any(f => f.Columns.Any(c => recovered.ContainsKey((c, f.Path)))))
        {
            return fragment;
        }
        var files = fragment.Files.Select(file =>
        {
            var found = file.Columns.Distinct().Where(c => recovered.ContainsKey((c, file.Path))).ToList();
            if (found.Count == 0)
            {
                return file;
            }
            if (file.ProvenanceByColumn is null)
            {
                return file with { Provenance = recovered[(found[0], file.Path)] };
            }
            var map = new Dictionary<int, ColumnProvenance>(file.ProvenanceByColumn);
            foreach (var c in found)
            {
                map[c] = recovered[(c, file.Path)];
            }
            return file with { ProvenanceByColumn = map, Provenance = file.Provenance ?? map.Values.First() };
        }).ToList();
        return fragment with { Files = files };
    }
}
