using Apache.Arrow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One column of a 2.0 file being written: buffers at most one page of rows, then writes its buffers and
/// keeps its encoding for the column metadata. The page encodings are the ones LanceDB 0.31 writes in
/// 2.0 (checked on its files): see <see cref="Lance20Encodings"/>.
/// </summary>
internal sealed class Lance20ColumnWriter : ILanceColumnWriter
{
    private readonly Lance20PageBuffer _page;
    private readonly long _pageBytes;
    private readonly LanceByteBuffer _ends = new();
    private readonly ColumnMetadata _metadata = new();
    private long _rows;

    public Lance20ColumnWriter(string name, LanceLeafType type, long pageBytes)
    {
        Name = name;
        _page = new Lance20PageBuffer(type, name);
        _pageBytes = pageBytes;
        _metadata.Encoding = Lance20Encodings.Direct(Lance20Encodings.PlainColumnEncoding);
    }

    public string Name { get; }

    public long Rows => _rows + _page.Count;

    /// <summary>Appends all rows of <paramref name="array"/>, writing pages to <paramref name="output"/> as they fill.</summary>
    public void Append(IArrowArray array, LanceFileOutput output)
    {
        LancePageBudget.AppendInPages(_page, array, _pageBytes, () => Flush(output));
    }

    public void Flush(LanceFileOutput output)
    {
        if (_page.Count == 0)
        {
            return;
        }
        var page = new ColumnMetadata.Types.Page { Length = (ulong)_page.Count };
        Proto.V20.ArrayEncoding encoding;
        if (_page.Type.Kind == LanceLeafKind.Variable)
        {
            // Binary: u64 end offsets (a null row's end plus null_adjustment), then the bytes; no validity buffer.
            var total = (ulong)_page.Values.Length;
            var nullAdjustment = total + 1;
            var ends = _page.EndSpan;
            _ends.Clear();
            var adjusted = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(_ends.Grow(ends.Length * 8));
            var validity = _page.Validity.Span;
            for (var i = 0; i < ends.Length; i++)
            {
                adjusted[i] = _page.HasNulls && !LanceBits.Get(validity, i) ? ends[i] + nullAdjustment : ends[i];
            }
            output.WritePageBuffer(page, _ends.Span);
            output.WritePageBuffer(page, _page.Values.Span);
            encoding = Lance20Encodings.Binary(nullAdjustment);
        }
        else if (_page.NullCount == _page.Count)
        {
            encoding = Lance20Encodings.AllNull();
        }
        else
        {
            if (_page.HasNulls)
            {
                output.WritePageBuffer(page, _page.Validity.Span);
            }
            output.WritePageBuffer(page, _page.Values.Span);
            encoding = Lance20Encodings.Fixed(_page.Type, _page.HasNulls);
        }
        // LanceDB leaves a 2.0 page's priority at 0 (its legacy encoders do not use it).
        page.Encoding = Lance20Encodings.Direct(Any.Pack(encoding, ""));
        _metadata.Pages.Add(page);
        _rows += _page.Count;
        _page.Clear();
    }

    /// <summary>Writes the last page and returns the column's metadata.</summary>
    public ColumnMetadata Finish(LanceFileOutput output)
    {
        Flush(output);
        return _metadata;
    }
}
