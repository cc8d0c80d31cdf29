using Apache.Arrow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One column of a file being written: buffers at most one page of rows, then encodes and writes it.</summary>
internal sealed class LanceColumnWriter
{
    private readonly LancePageBuffer _page;
    private readonly long _pageBytes;
    private readonly LanceByteBuffer _first = new();
    private readonly LanceByteBuffer _second = new();
    private readonly ColumnMetadata _metadata = new();
    private long _rows;

    public LanceColumnWriter(string name, LanceLeafType type, long pageBytes)
    {
        Name = name;
        _page = new LancePageBuffer(type, name);
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

    public long Rows => _rows + _page.Count;

    /// <summary>Appends all rows of <paramref name="array"/>, writing pages to <paramref name="output"/> as they fill.</summary>
    public void Append(IArrowArray array, LanceFileOutput output)
    {
        var length = array.Length;
        var start = 0;
        while (start < length)
        {
            var rows = _page.RowsThatFit(array, start, length - start, _pageBytes - _page.ByteSize);
            _page.Append(array, start, rows);
            start += rows;
            if (_page.ByteSize >= _pageBytes)
            {
                Flush(output);
            }
        }
    }

    public void Flush(LanceFileOutput output)
    {
        if (_page.Count == 0)
        {
            return;
        }
        var (layout, buffers) = LanceEncodingStrategy.Encode(_page, _first, _second);
        var page = new ColumnMetadata.Types.Page
        {
            Length = (ulong)_page.Count,
            Encoding = Direct(Any.Pack(layout, "")),
            // Lance's writer gives each page its first row as priority.
            Priority = (ulong)_rows,
        };
        if (buffers > 0)
        {
            AddBuffer(page, output, _first);
        }
        if (buffers > 1)
        {
            AddBuffer(page, output, _second);
        }
        _metadata.Pages.Add(page);
        _rows += _page.Count;
        _page.Clear();
    }

    private static void AddBuffer(ColumnMetadata.Types.Page page, LanceFileOutput output, LanceByteBuffer buffer)
    {
        page.BufferOffsets.Add(output.WriteAligned(buffer.Span));
        page.BufferSizes.Add((ulong)buffer.Length);
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
