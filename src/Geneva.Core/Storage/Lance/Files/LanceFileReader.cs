using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Reads a Lance data file: opening reads the footer, the column metadata and the schema only; a read
/// decodes only the pages and chunks that overlap the rows asked for. Reads may run on several threads
/// at once (positional reads of one handle, page state shared through Interlocked). A column in an
/// encoding Geneva does not read (2.2's, lists of lists...) does not stop the file from opening: only
/// reading that column throws, naming the encoding (see <see cref="CanRead"/>).
/// </summary>
internal sealed class LanceFileReader : ILanceDataFileReader
{
    private readonly LanceFileSource _file;
    private readonly LanceFileColumns<LanceColumnReader> _columns;

    private LanceFileReader(LanceFileSource file, LanceFileVersion version, long rows, IReadOnlyList<LanceField> fields,
                            LanceFileColumns<LanceColumnReader> columns)
    {
        _file = file;
        Version = version;
        RowCount = rows;
        Fields = fields;
        _columns = columns;
    }

    public LanceFileVersion Version { get; }

    public long RowCount { get; }

    /// <summary>The file's own schema (global buffer 0), with the dataset's field ids.</summary>
    public IReadOnlyList<LanceField> Fields { get; }

    public string Path => _file.Path;

    public static LanceFileReader Open(string path) => LanceFileSource.Open(path, Open);

    private static LanceFileReader Open(LanceFileSource file)
    {
        var path = file.Path;
        var footer = LanceFileTail.ReadFooter(file);
        var version = (footer.Major, footer.Minor) switch
        {
            (2, 1) => LanceFileVersion.V2_1,
            (0, 3) or (2, 0) => LanceFileVersion.V2_0,
            _ => throw LanceFileErrors.Unsupported(path, null, $"file format version {footer.Major}.{footer.Minor}"),
        };
        var tail = LanceFileTail.Read(file, footer);
        var fields = tail.Fields;
        var rows = tail.Rows;

        var columns = new LanceFileColumns<LanceColumnReader>();
        var column = 0;
        foreach (var top in fields)
        {
            if (top.ParentId != -1)
            {
                continue;
            }
            var index = column++;
            if (version != LanceFileVersion.V2_1 || index >= footer.ColumnCount)
            {
                continue;
            }
            var metadata = tail.ReadColumnMetadata(index, top.Name);
            LanceColumnReader reader;
            try
            {
                var arrow = LanceSchema.ToArrow(fields, top);
                var listType = arrow.DataType as ListType;
                var leaf = LanceLeafType.TryCreateForRead(listType?.ValueDataType ?? arrow.DataType) ??
                           throw LanceFileErrors.Unsupported(path, top.Name, $"the column type {arrow.DataType.Name}");
                reader = LanceColumnReader.Create(file, top.Name, leaf, listType, metadata);
            }
            catch (GenevaException e) when (e is LanceUnsupportedEncodingException || e.Code == GenevaErrorCode.TypeMismatch)
            {
                // Another encoder's column (LanceDB's bitpacking, FSST...): the other columns stay readable.
                columns.AddUnreadable(top.Id, e);
                continue;
            }
            if (reader.Rows != rows)
            {
                throw LanceFileErrors.Corrupt(path, top.Name, $"its pages hold {reader.Rows} rows but the file has {rows}");
            }
            columns.Add(top.Id, reader);
        }
        if (column != footer.ColumnCount)
        {
            throw LanceFileErrors.Corrupt(path, null, $"its schema has {column} columns but its footer {footer.ColumnCount}");
        }
        return new LanceFileReader(file, version, rows, fields, columns);
    }

    /// <summary>The layout and rows of each page of a readable field's column (what the writer chose).</summary>
    internal IReadOnlyList<(PageLayout.LayoutOneofCase Layout, int Rows)> Pages(int fieldId) => _columns[fieldId].Pages;

    /// <summary>Whether <see cref="Read"/> can decode the field's column (false for encodings Geneva does not read yet).</summary>
    public bool CanRead(int fieldId) => _columns.CanRead(fieldId);

    /// <summary>
    /// The rows [start, start + length) of the top-level field <paramref name="fieldId"/> (a dataset field
    /// id), as a new Arrow array the caller owns.
    /// </summary>
    public IArrowArray Read(int fieldId, long start, int length) =>
        _columns.ToRead(fieldId, start, length, Path, RowCount,
                        Version != LanceFileVersion.V2_1 ? LanceFileErrors.Unsupported(Path, null, "file format 2.0") : null).Read(_file, start, length);

    public void Dispose() => _file.Dispose();
}
