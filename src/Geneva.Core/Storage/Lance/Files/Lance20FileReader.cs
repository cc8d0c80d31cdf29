using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Reads a Lance data file in format 2.0 (footer 0.3 or 2.0): opening reads the footer, the schema and the
/// column metadata only; a read fetches only the byte ranges of the rows asked for. Reads may run on
/// several threads at once. Opens LanceDB's own 2.0 files: flat, binary and dictionary pages
/// (<see cref="Lance20Encodings"/>), and list&lt;T&gt; of such items (<see cref="Lance20ListColumnReader"/>).
/// A column of a type or encoding Geneva does not read (a struct, a list of lists, compression) fails on its
/// read, not at open, so the other columns of the file still read (<see cref="CanRead"/>).
/// </summary>
internal sealed class Lance20FileReader : ILanceDataFileReader
{
    private readonly LanceFileSource _file;
    private readonly LanceFileColumns<ILance20ColumnReader> _columns;

    private Lance20FileReader(LanceFileSource file, long rows, IReadOnlyList<LanceField> fields,
                              LanceFileColumns<ILance20ColumnReader> columns)
    {
        _file = file;
        RowCount = rows;
        Fields = fields;
        _columns = columns;
    }

    /// <summary>Always <see cref="LanceFileVersion.V2_0"/>, as <see cref="LanceFileReader.Version"/> says for 2.1.</summary>
    public LanceFileVersion Version => LanceFileVersion.V2_0;

    public long RowCount { get; }

    /// <summary>The file's own schema (global buffer 0), with the dataset's field ids.</summary>
    public IReadOnlyList<LanceField> Fields { get; }

    public string Path => _file.Path;

    /// <summary>Opens a 2.0 file; a missing, corrupt, truncated or non-2.0 file throws DataFileCorrupt.</summary>
    public static Lance20FileReader Open(string path) => LanceFileSource.Open(path, Open);

    private static Lance20FileReader Open(LanceFileSource file)
    {
        var path = file.Path;
        var footer = LanceFileTail.ReadFooter(file);
        if ((footer.Major, footer.Minor) is not ((0, 3) or (2, 0)))
        {
            throw LanceFileErrors.Unsupported(path, null, $"file format version {footer.Major}.{footer.Minor} where 2.0 (0.3) is expected");
        }
        var tail = LanceFileTail.Read(file, footer);
        var fields = tail.Fields;
        var rows = tail.Rows;

        // In 2.0 every field has a column, in schema order (a list's offsets, then its items).
        if (fields.Length != footer.ColumnCount)
        {
            throw LanceFileErrors.Corrupt(path, null, $"its schema has {fields.Length} fields but its footer {footer.ColumnCount} columns");
        }
        var columns = new LanceFileColumns<ILance20ColumnReader>();
        for (var index = 0; index < fields.Length; index++)
        {
            var top = fields[index];
            if (top.ParentId != -1)
            {
                continue;
            }
            ILance20ColumnReader reader;
            try
            {
                reader = top.LogicalType == "list"
                    ? OpenList(file, tail, fields, index, top)
                    : Lance20ColumnReader.Create(file, top.Name, Leaf(top) ?? throw Unreadable(path, top), tail.ReadColumnMetadata(index, top.Name));
            }
            catch (LanceUnsupportedEncodingException e)
            {
                // A type or encoding Geneva does not read (compression, FSST set by a user...): the other columns stay readable.
                columns.AddUnreadable(top.Id, e);
                continue;
            }
            if (reader.Rows != rows)
            {
                throw LanceFileErrors.Corrupt(path, top.Name, $"its pages hold {reader.Rows} rows but the file has {rows}");
            }
            columns.Add(top.Id, reader);
        }
        return new Lance20FileReader(file, rows, fields, columns);
    }

    /// <summary>
    /// A list field's column: its offsets column (the field's own, <paramref name="index"/>) and its items
    /// column (the child field's, the next one).
    /// </summary>
    private static Lance20ListColumnReader OpenList(LanceFileSource file, LanceFileTail tail, LanceField[] fields, int index, LanceField top)
    {
        var path = file.Path;
        if (index + 1 >= fields.Length || fields[index + 1].ParentId != top.Id)
        {
            // Only this column is unreadable: the other fields still have their columns.
            throw LanceFileErrors.Unsupported(path, top.Name, "a list field not followed by its item field");
        }
        var child = fields[index + 1];
        var item = Leaf(child) ?? throw Unreadable(path, top, $"list<{child.LogicalType}>");
        // The list type the dataset's schema gives (as the 2.1 reader and the table layer see it).
        var type = (ListType)LanceSchema.ToArrow(fields, top).DataType;
        var items = Lance20ColumnReader.Create(file, top.Name, item, WithoutEmptyPages(tail.ReadColumnMetadata(index + 1, top.Name)));
        return Lance20ListColumnReader.Create(file, top.Name, type, WithoutEmptyPages(tail.ReadColumnMetadata(index, top.Name)), items);
    }

    /// <summary>
    /// The column without its pages of 0 rows: LanceDB writes one for the items of a list column whose lists
    /// hold no item (and its reader skips them), where a leaf column's page always has rows.
    /// </summary>
    private static ColumnMetadata WithoutEmptyPages(ColumnMetadata metadata)
    {
        if (metadata.Pages.All(p => p.Length > 0))
        {
            return metadata;
        }
        var kept = metadata.Clone();
        kept.Pages.Clear();
        kept.Pages.AddRange(metadata.Pages.Where(p => p.Length > 0));
        return kept;
    }

    private static GenevaException Unreadable(string path, LanceField top, string? type = null) =>
        LanceFileErrors.Unsupported(path, top.Name, $"the column type '{type ?? top.LogicalType}'");

    /// <summary>The leaf shape Geneva reads for a field, or null (lists, structs, ...).</summary>
    private static LanceLeafType? Leaf(LanceField top)
    {
        if (top.LogicalType is "list" or "struct")
        {
            return null;
        }
        try
        {
            return LanceLeafType.TryCreateForRead(LanceSchema.ParseLogicalType(top.LogicalType, top.Name));
        }
        catch (GenevaException)
        {
            return null;
        }
    }

    /// <summary>Whether <see cref="Read"/> can decode the field's column (false for a type or encoding Geneva does not read).</summary>
    public bool CanRead(int fieldId) => _columns.CanRead(fieldId);

    /// <summary>
    /// The rows [start, start + length) of the top-level field <paramref name="fieldId"/> (a dataset field
    /// id), as a new Arrow array the caller owns.
    /// </summary>
    public IArrowArray Read(int fieldId, long start, int length) =>
        _columns.ToRead(fieldId, start, length, Path, RowCount).Read(_file, start, length);

    public void Dispose() => _file.Dispose();
}
