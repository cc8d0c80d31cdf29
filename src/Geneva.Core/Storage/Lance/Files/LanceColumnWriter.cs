using Apache.Arrow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One column of a file being written: buffers at most one page of rows, then encodes and writes it.</summary>
internal sealed class LanceColumnWriter : ILanceColumnWriter
{
    private readonly LancePageBuffer _page;
    private readonly LanceListPageBuffer? _list;
    private readonly long _pageBytes;
    private readonly LanceByteBuffer _first = new();
    private readonly LanceByteBuffer _second = new();
    private readonly ColumnMetadata _metadata = new();
    private long _rows;

    /// <param name="type">The column's leaf; for a list column, its items' leaf.</param>
    /// <param name="isList">Whether the column is list&lt;type&gt;.</param>
    public LanceColumnWriter(string name, LanceLeafType type, bool isList, long pageBytes)
    {
        Name = name;
        if (isList)
        {
            _list = new LanceListPageBuffer(type, name);
        }
        _page = _list?.Items ?? new LancePageBuffer(type, name);
        _pageBytes = pageBytes;
        // 2.1 columns carry a plain ColumnEncoding (values, no zone index): /lance.encodings.ColumnEncoding { values: {} }.
        _metadata.Encoding = Direct(s_columnEncoding);
    }

    private static readonly Any s_columnEncoding = new()
    {
        TypeUrl = "/lance.encodings.ColumnEncoding",
        Value = ByteString.CopyFrom(0x0A, 0x00),
    };

    public string Name { get; }

    public long Rows => _rows + PendingRows;

    private int PendingRows => _list?.Rows ?? _page.Count;

    /// <summary>Appends all rows of <paramref name="array"/>, writing pages to <paramref name="output"/> as they fill.</summary>
    public void Append(IArrowArray array, LanceFileOutput output)
    {
        if (_list is not null)
        {
            LancePageBudget.AppendInPages(_list, array, _pageBytes, () => Flush(output));
            return;
        }
        LancePageBudget.AppendInPages(_page, array, _pageBytes, () => Flush(output));
    }

    public void Flush(LanceFileOutput output)
    {
        var rows = PendingRows;
        if (rows == 0)
        {
            return;
        }
        var (layout, buffers) = _list is null
            ? LanceEncodingStrategy.Encode(_page, _first, _second)
            : LanceEncodingStrategy.Encode(_list, _first, _second);
        var page = new ColumnMetadata.Types.Page
        {
            Length = (ulong)rows,
            Encoding = Direct(Any.Pack(layout, "")),
            // Lance's writer gives each page its first row as priority.
            Priority = (ulong)_rows,
        };
        if (buffers > 0)
        {
            output.WritePageBuffer(page, _first.Span);
        }
        if (buffers > 1)
        {
            output.WritePageBuffer(page, _second.Span);
        }
        _metadata.Pages.Add(page);
        _rows += rows;
        if (_list is null)
        {
            _page.Clear();
        }
        else
        {
            _list.Clear();
        }
    }

    /// <summary>Writes the last page and returns the column's metadata.</summary>
    public ColumnMetadata Finish(LanceFileOutput output)
    {
        Flush(output);
        return _metadata;
    }

    private static EncodingLocation Direct(Any any) =>
        new() { Direct = new DirectEncoding { Encoding = any.ToByteString() } };
}
