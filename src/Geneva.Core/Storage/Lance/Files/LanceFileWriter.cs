using Apache.Arrow;
using Apache.Arrow.Types;
using Schema = Apache.Arrow.Schema;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Writes one Lance data file (format 2.1): data buffers 64-byte aligned, global buffer 0 holding the
/// file's schema with the dataset's field ids, the column metadata, the column-offset table, the
/// global-buffer table and the 40-byte footer. Writes the stream strictly in order and never closes it.
/// Memory is bounded: each column buffers at most one page (<see cref="PageBytes"/>) before writing it.
/// </summary>
internal sealed class LanceFileWriter : ILanceDataFileWriter
{
    /// <summary>
    /// 8 MiB a page, Lance's own default: big enough that per-page costs (a protobuf, a 64-byte pad, one
    /// read of the chunk index) vanish, small enough that a file of many columns buffers little.
    /// </summary>
    public const long DefaultPageBytes = 8L * 1024 * 1024;

    private readonly LanceContainerWriter _container;

    /// <param name="destination">Written in order, never sought, not closed.</param>
    /// <param name="arrowSchema">The top-level columns of the file.</param>
    /// <param name="lanceFields">Their Lance fields with the dataset's ids (top and children), as in the manifest; fields of other columns are ignored.</param>
    /// <param name="version">Only <see cref="LanceFileVersion.V2_1"/> for now.</param>
    /// <param name="pageBytes">Bytes a column buffers before it writes a page.</param>
    public LanceFileWriter(Stream destination, Schema arrowSchema, IReadOnlyList<LanceField> lanceFields,
                           LanceFileVersion version = LanceFileVersion.V2_1, long pageBytes = DefaultPageBytes)
    {
        if (version != LanceFileVersion.V2_1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"Lance data file version {version} is not written yet; only 2.1 is.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBytes, 1024L);
        _container = new LanceContainerWriter(destination, arrowSchema, 2, 1);
        PageBytes = pageBytes;
        foreach (var field in arrowSchema.FieldsList)
        {
            var lance = LanceContainerWriter.TopField(lanceFields, field);
            var isList = field.DataType is ListType;
            var leafType = field.DataType is ListType list ? list.ValueDataType : field.DataType;
            var leaf = LanceLeafType.TryCreate(leafType)
                       ?? throw LanceFileErrors.CannotWrite(field.Name, $"the Arrow type {field.DataType.Name} is not supported");
            if (isList && !ListFullZipEncoding.Supports(leaf))
            {
                throw LanceFileErrors.CannotWrite(field.Name, $"list<{leafType.Name}> is not written yet");
            }
            var fileFields = new List<LanceField>();
            AddWithChildren(lanceFields, lance, fileFields);
            // Lance 2.1 gives a column to leaves only: a list's column belongs to its item field.
            _container.AddColumn(new LanceColumnWriter(field.Name, leaf, isList, pageBytes), fileFields,
                                 isList ? FindChild(lanceFields, lance).Id : lance.Id);
        }
    }

    public long PageBytes { get; }

    public long RowCount => _container.RowCount;

    /// <summary>DataFile.fields of the manifest: the ids of the fields that have a column (for a list, its item).</summary>
    public IReadOnlyList<int> ManifestFields => _container.ManifestFields;

    /// <summary>DataFile.column_indices of the manifest, parallel to <see cref="ManifestFields"/>.</summary>
    public IReadOnlyList<int> ManifestColumnIndices => _container.ManifestColumnIndices;

    public (uint Major, uint Minor) FileVersion => (2, 1);

    /// <summary>Appends a batch (any length; its arrays may be slices). The caller keeps ownership of the batch.</summary>
    public void Write(RecordBatch batch) => _container.Write(batch, this);

    /// <summary>Writes the remaining pages, the schema, the metadata and the footer; returns the file's size in bytes.</summary>
    public long Finish() => _container.Finish(this);

    public void Dispose() => _container.Dispose();

    private static void AddWithChildren(IReadOnlyList<LanceField> fields, LanceField field, List<LanceField> into)
    {
        into.Add(field);
        foreach (var f in fields)
        {
            if (f.ParentId == field.Id)
            {
                AddWithChildren(fields, f, into);
            }
        }
    }

    private static LanceField FindChild(IReadOnlyList<LanceField> fields, LanceField parent)
    {
        foreach (var f in fields)
        {
            if (f.ParentId == parent.Id)
            {
                return f;
            }
        }
        throw new GenevaException(GenevaErrorCode.InvalidArgument, $"List column '{parent.Name}' has no item field among its Lance fields.", parent.Name);
    }
}
