using System.Reflection;
using Geneva.Core.Arrow;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// Builds the Lance manifest message of a new version from the engine's <see cref="TableManifest"/>, on top
/// of the message its previous version was read from: fields, fragments and files this build does not
/// change are copied as read (unknown fields included), new ones are made, and Geneva's bindings,
/// provenance and table id go into metadata (see <see cref="GenevaLanceMetadata"/>).
/// </summary>
internal static class LanceManifestBuilder
{
    /// <summary>Lance's reader/writer feature flag for datasets with deletion files.</summary>
    private const ulong DeletionFilesFlag = 1;

    private static readonly string s_writerVersion =
        typeof(LanceManifestBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+', '-')[0]
        ?? "0.0.0";

    public static Manifest Build(TableManifest next, string transactionFile)
    {
        var previous = next.Source?.Manifest;
        var m = previous?.Clone() ?? new Manifest();
        m.Fields.Clear();
        m.Fields.AddRange(BuildFields(next, previous));
        m.SchemaMetadata[GenevaLanceMetadata.TableIdKey] = ByteString.CopyFrom(System.Text.Encoding.UTF8.GetBytes(next.TableId));
        m.Fragments.Clear();
        m.Fragments.AddRange(next.Fragments.Select(BuildFragment));
        m.Version = (ulong)next.Version;
        m.Timestamp = Timestamp.FromDateTimeOffset(next.Timestamp);
        if (next.Fragments.Count > 0)
        {
            m.MaxFragmentId = (uint)Math.Max(next.Fragments.Max(f => f.Id), previous is { HasMaxFragmentId: true } ? (int)previous.MaxFragmentId : 0);
        }
        m.WriterVersion = new Manifest.Types.WriterVersion { Library = "geneva", Version = s_writerVersion };
        m.DataFormat ??= new Manifest.Types.DataStorageFormat { FileFormat = "lance", Version = "2.1" };
        m.TransactionFile = transactionFile;
        m.ClearTransactionSection();
        m.ClearIndexSection(); // the publisher re-points it at the carried section
        if (next.Fragments.Any(f => f.Deletion is not null))
        {
            m.ReaderFeatureFlags |= DeletionFilesFlag;
            m.WriterFeatureFlags |= DeletionFilesFlag;
        }
        return m;
    }

    private static List<Proto.Field> BuildFields(TableManifest next, Manifest? previous)
    {
        var result = new List<Proto.Field>();
        foreach (var field in next.Fields)
        {
            var group = FieldGroup(field, previous);
            var head = group[0];
            head.Metadata.Remove(GenevaLanceMetadata.UdfKey);
            head.Metadata.Remove(GenevaLanceMetadata.ProvenanceKey);
            if (next.FindBinding(field.Name) is { } udf)
            {
                head.Metadata[GenevaLanceMetadata.UdfKey] = GenevaLanceMetadata.Encode(udf);
                var provenance = next.Fragments.SelectMany(f => f.FilesFor(field.Id))
                    .Where(f => f.ProvenanceOf(field.Id) is not null)
                    .ToDictionary(f => f.Path, f => f.ProvenanceOf(field.Id)!, StringComparer.Ordinal);
                if (provenance.Count > 0)
                {
                    head.Metadata[GenevaLanceMetadata.ProvenanceKey] = GenevaLanceMetadata.Encode(provenance);
                }
            }
            result.AddRange(group);
        }
        return result;
    }

    /// <summary>
    /// A column's Lance fields (the top-level field, then its children), copies of the ones
    /// <paramref name="previous"/> holds, or new ones for a new column: a new column's fields take contiguous
    /// ids from its <see cref="SchemaField.Id"/> (see <see cref="IdsNeeded"/>), as data files and the
    /// manifest must agree on them.
    /// </summary>
    public static List<Proto.Field> FieldGroup(SchemaField field, Manifest? previous)
    {
        var top = previous?.Fields.FirstOrDefault(f => f.Id == field.Id && f.ParentId == -1);
        if (top is not null)
        {
            return [top.Clone(), .. Descendants([.. previous!.Fields], top.Id).Select(f => f.Clone())];
        }
        var id = field.Id;
        return [.. LanceSchema.FromArrow(new Apache.Arrow.Field(field.Name, ArrowTypeNames.Parse(field.Type), field.Nullable), ref id)];
    }

    /// <summary>How many field ids a new column of <paramref name="type"/> takes (a list's child takes one more).</summary>
    public static int IdsNeeded(string type)
    {
        var id = 0;
        LanceSchema.FromArrow(new Apache.Arrow.Field("x", ArrowTypeNames.Parse(type), true), ref id);
        return id;
    }

    private static IEnumerable<Proto.Field> Descendants(List<Proto.Field> all, int id)
    {
        foreach (var child in all.Where(f => f.ParentId == id && f.Id != id))
        {
            yield return child;
            foreach (var grandchild in Descendants(all, child.Id))
            {
                yield return grandchild;
            }
        }
    }

    private static DataFragment BuildFragment(FragmentEntry fragment)
    {
        var f = fragment.Source?.Clone() ?? new DataFragment();
        f.Id = (ulong)fragment.Id;
        f.PhysicalRows = (ulong)fragment.RowCount;
        f.Files.Clear();
        f.Files.AddRange(fragment.Files.Select(BuildFile));
        f.DeletionFile = fragment.Deletion?.Clone();
        return f;
    }

    public static DataFile BuildFile(DataFileEntry file)
    {
        var d = file.Source?.Clone() ?? new DataFile();
        d.Path = file.Path.StartsWith(LanceTableReader.DataFolder + "/", StringComparison.Ordinal)
            ? file.Path[(LanceTableReader.DataFolder.Length + 1)..]
            : file.Path;
        d.Fields.Clear();
        d.Fields.AddRange(file.FieldIds);
        if (file.ColumnIndices.Count > 0 || d.ColumnIndices.Count > 0)
        {
            d.ColumnIndices.Clear();
            d.ColumnIndices.AddRange(file.ColumnIndices);
        }
        d.FileMajorVersion = file.FileVersion.Major;
        d.FileMinorVersion = file.FileVersion.Minor;
        d.FileSizeBytes = (ulong)Math.Max(0, file.SizeBytes);
        return d;
    }
}
