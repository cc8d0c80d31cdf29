using Apache.Arrow;
using Apache.Arrow.Types;
using Schema = Apache.Arrow.Schema;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Writes one Lance data file in format 2.0, for a dataset whose files are 2.0 (LanceDB refuses to mix
/// versions). The container is the 2.1 one (<see cref="LanceFileTail"/>, data buffers 64-byte aligned) with
/// footer version 0.3, as LanceDB writes it; the pages hold <see cref="Lance20Encodings"/>. Writes the stream
/// strictly in order and never closes it. Each column buffers at most one page (<see cref="PageBytes"/>).
/// </summary>
internal sealed class Lance20FileWriter : ILanceDataFileWriter
{
    /// <summary>What LanceDB 0.31 writes in a 2.0 file's footer (lance reads 0.3 and 2.0 both as 2.0).</summary>
    public const ushort FooterMajor = 0, FooterMinor = 3;

    private readonly LanceContainerWriter _container;

    /// <param name="destination">Written in order, never sought, not closed.</param>
    /// <param name="arrowSchema">The top-level columns of the file.</param>
    /// <param name="lanceFields">Their Lance fields with the dataset's ids, as in the manifest; fields of other columns are ignored.</param>
    /// <param name="pageBytes">Bytes a column buffers before it writes a page.</param>
    public Lance20FileWriter(Stream destination, Schema arrowSchema, IReadOnlyList<LanceField> lanceFields,
                             long pageBytes = LanceFileWriter.DefaultPageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBytes, 1024L);
        _container = new LanceContainerWriter(destination, arrowSchema, FooterMajor, FooterMinor);
        PageBytes = pageBytes;
        foreach (var field in arrowSchema.FieldsList)
        {
            var lance = LanceContainerWriter.TopField(lanceFields, field);
            if (field.DataType is ListType)
            {
                throw LanceFileErrors.CannotWrite(field.Name, "list<T> columns are not written in format 2.0");
            }
            var leaf = LanceLeafType.TryCreate(field.DataType)
                       ?? throw LanceFileErrors.CannotWrite(field.Name, $"the Arrow type {field.DataType.Name} is not supported");
            // In 2.0 the n-th field of the file's schema is the n-th column.
            _container.AddColumn(new Lance20ColumnWriter(field.Name, leaf, pageBytes), [lance], lance.Id);
        }
    }

    public long PageBytes { get; }

    public long RowCount => _container.RowCount;

    /// <summary>DataFile.fields of the manifest: the ids of the fields that have a column.</summary>
    public IReadOnlyList<int> ManifestFields => _container.ManifestFields;

    /// <summary>DataFile.column_indices of the manifest, parallel to <see cref="ManifestFields"/>.</summary>
    public IReadOnlyList<int> ManifestColumnIndices => _container.ManifestColumnIndices;

    /// <summary>
    /// DataFile.file_major_version / file_minor_version of the manifest: LanceDB 0.31 records its 2.0 files
    /// as 2.0, while their footers say 0.3 (<see cref="FooterMajor"/>).
    /// </summary>
    public (uint Major, uint Minor) FileVersion => (2, 0);

    /// <summary>Appends a batch (any length; its arrays may be slices). The caller keeps ownership of the batch.</summary>
    public void Write(RecordBatch batch) => _container.Write(batch, this);

    /// <summary>Writes the remaining pages, the schema, the metadata and the footer; returns the file's size in bytes.</summary>
    public long Finish() => _container.Finish(this);

    public void Dispose() => _container.Dispose();
}
