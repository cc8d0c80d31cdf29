using System.Security.Cryptography;
using System.Text;
using Geneva.Core.Arrow;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Udfs;

namespace Geneva.Core.Storage.Lance;

/// <summary>Reads one version of a Lance dataset as the engine's <see cref="TableManifest"/>.</summary>
internal static class LanceTableReader
{
    public const string DataFolder = "data";

    /// <summary>Reader feature flags we honour: 1 = deletion files, 2 = stable row ids (their sequences are only carried).</summary>
    private const ulong KnownReaderFlags = 1 | 2;

    public static TableManifest Read(string datasetPath, ulong version) => Read(datasetPath, version, 0);

    /// <param name="depth">How many versions back from the one asked for this is (see <see cref="LanceRewriteProvenance"/>).</param>
    internal static TableManifest Read(string datasetPath, ulong version, int depth)
    {
        var path = LanceVersions.ManifestPath(datasetPath, version);
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.VersionNotFound,
                $"Version {version} of table '{datasetPath}' does not exist (it was never made, or a cleanup removed it).", (long)version);
        }
        var file = LanceManifestFile.Read(path);
        var m = file.Manifest;
        var unknown = m.ReaderFeatureFlags & ~KnownReaderFlags;
        if (unknown != 0)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"Version {version} of '{datasetPath}' needs Lance reader features this Geneva does not know (flags 0x{unknown:x}).", path);
        }
        var tops = m.Fields.Where(f => f.ParentId == -1).ToList();
        var fields = new List<SchemaField>(tops.Count);
        var bindings = new Dictionary<string, UdfSpec>(StringComparer.OrdinalIgnoreCase);
        var provenance = new Dictionary<(int Field, string File), ColumnProvenance>();
        foreach (var top in tops)
        {
            var arrow = LanceSchema.ToArrow(m.Fields, top);
            fields.Add(new SchemaField(top.Id, top.Name, ArrowTypeNames.Format(arrow.DataType), top.Nullable));
            if (GenevaLanceMetadata.ReadUdf(top, path) is { } udf)
            {
                bindings[top.Name] = udf;
            }
            foreach (var (dataFile, p) in GenevaLanceMetadata.ReadProvenance(top, path))
            {
                provenance[(top.Id, dataFile)] = p;
            }
        }
        var maxFieldId = m.Fields.Select(f => f.Id).DefaultIfEmpty(-1).Max();
        var topOf = TopLevelOf(m.Fields);
        var fragments = new List<FragmentEntry>(m.Fragments.Count);
        foreach (var fragment in m.Fragments)
        {
            var rows = checked((int)fragment.PhysicalRows);
            var files = new List<DataFileEntry>(fragment.Files.Count);
            foreach (var f in fragment.Files)
            {
                maxFieldId = Math.Max(maxFieldId, f.Fields.DefaultIfEmpty(-1).Max());
                var relative = DataFolder + "/" + f.Path;
                var columns = f.Fields.Select(id => topOf.GetValueOrDefault(id, id)).ToList();
                var held = columns.Where(id => id >= 0).Distinct().ToList();
                var byColumn = held.Where(id => provenance.ContainsKey((id, relative))).ToDictionary(id => id, id => provenance[(id, relative)]);
                files.Add(new DataFileEntry(relative, f.Fields.ToList(), byColumn.Values.FirstOrDefault())
                {
                    ProvenanceByColumn = held.Count > 1 ? byColumn : null,
                    Columns = columns,
                    ColumnIndices = f.ColumnIndices.ToList(),
                    FileVersion = (f.FileMajorVersion, f.FileMinorVersion),
                    SizeBytes = (long)f.FileSizeBytes,
                    Source = f,
                });
            }
            fragments.Add(new FragmentEntry(checked((int)fragment.Id), rows, files)
            {
                Deletion = fragment.DeletionFile,
                Source = fragment,
            });
        }
        if (bindings.Count > 0)
        {
            fragments = LanceRewriteProvenance.Recover(datasetPath, version, depth, fields, topOf, bindings, fragments);
        }
        return new TableManifest
        {
            TableId = GenevaLanceMetadata.ReadTableId(m) ?? DerivedTableId(datasetPath),
            Version = (long)m.Version,
            Timestamp = m.Timestamp is null ? DateTimeOffset.UnixEpoch : m.Timestamp.ToDateTimeOffset(),
            Fields = fields,
            Fragments = fragments,
            Bindings = bindings,
            NextFieldId = maxFieldId + 1,
            NextFragmentId = (int)Math.Max(m.HasMaxFragmentId ? m.MaxFragmentId + 1 : 0,
                fragments.Select(f => f.Id + 1L).DefaultIfEmpty(0).Max()),
            Source = file,
        };
    }

    /// <summary>Each field's top-level field (itself for a top-level one).</summary>
    internal static Dictionary<int, int> TopLevelOf(IEnumerable<Proto.Field> fields)
    {
        var parent = fields.ToDictionary(f => f.Id, f => f.ParentId);
        var top = new Dictionary<int, int>();
        foreach (var id in parent.Keys)
        {
            var at = id;
            for (var guard = 0; parent.TryGetValue(at, out var p) && p >= 0 && guard < 64; guard++)
            {
                at = p;
            }
            top[id] = at;
        }
        return top;
    }

    /// <summary>What made a version: Geneva's own words when Geneva made it, else the Lance operation's name.</summary>
    public static (string Operation, string? Detail) ReadOperation(string datasetPath, ulong version)
    {
        var transaction = LanceTransactionFile.ForVersion(datasetPath, version);
        if (transaction is null)
        {
            return ("unknown", null);
        }
        if (transaction.TransactionProperties.TryGetValue(GenevaLanceMetadata.OperationKey, out var operation))
        {
            return (operation, transaction.TransactionProperties.GetValueOrDefault(GenevaLanceMetadata.DetailKey));
        }
        var name = transaction.OperationCase.ToString().ToLowerInvariant();
        return transaction.OperationCase == Proto.Transaction.OperationOneofCase.Delete
            ? (name, transaction.Delete.Predicate)
            : (name, null);
    }

    /// <summary>A table LanceDB made has no Geneva id until Geneva first commits to it: name it by its location meanwhile.</summary>
    private static string DerivedTableId(string datasetPath) =>
        "lance-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(datasetPath))))[..32];
}
