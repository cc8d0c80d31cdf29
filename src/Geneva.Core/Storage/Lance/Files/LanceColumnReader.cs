using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One column of an open file: its pages (first row, rows, buffers, layout), checked once at open.</summary>
internal sealed class LanceColumnReader
{
    private const string PageLayoutType = "lance.encodings21.PageLayout";

    private readonly LancePage<PageLayout>[] _pages;
    private readonly long[] _pageStarts;

    private LanceColumnReader(string name, LanceLeafType type, Apache.Arrow.Types.ListType? listType, LancePage<PageLayout>[] pages, long rows)
    {
        Name = name;
        Type = type;
        ListType = listType;
        _pages = pages;
        _pageStarts = new long[pages.Length];
        for (var i = 0; i < pages.Length; i++)
        {
            _pageStarts[i] = pages[i].FirstRow;
        }
        Rows = rows;
    }

    public string Name { get; }

    /// <summary>The column's leaf; for a list column, its items' leaf.</summary>
    public LanceLeafType Type { get; }

    /// <summary>Set for a list&lt;T&gt; column.</summary>
    public Apache.Arrow.Types.ListType? ListType { get; }

    public long Rows { get; }

    public static LanceColumnReader Create(LanceFileSource file, string name, LanceLeafType type, Apache.Arrow.Types.ListType? listType, ColumnMetadata metadata)
    {
        var (pages, rows) = LanceColumnPages.Read(file, name, metadata,
            (encoding, _) => LanceColumnPages.ParseEncoding(file, name, encoding, PageLayoutType, PageLayout.Parser, ""),
            (page, _) => Validate(page, type, listType, file.Path, name));
        return new LanceColumnReader(name, type, listType, pages, rows);
    }

    private static void Validate(LancePage<PageLayout> page, LanceLeafType type, Apache.Arrow.Types.ListType? listType, string path, string name)
    {
        if (listType is not null)
        {
            switch (page.Layout.LayoutCase)
            {
                case PageLayout.LayoutOneofCase.FullZipLayout:
                    ListFullZipEncoding.Validate(page, type, path, name);
                    return;
                case PageLayout.LayoutOneofCase.MiniBlockLayout:
                    ListMiniBlockEncoding.Validate(page, type, path, name);
                    return;
                case PageLayout.LayoutOneofCase.AllNullLayout:
                    ListMiniBlockEncoding.ValidateAllNull(page, path, name);
                    return;
                default:
                    throw LanceFileErrors.Unsupported(path, name, $"a list page in the {page.Layout.LayoutCase} layout");
            }
        }
        switch (page.Layout.LayoutCase)
        {
            case PageLayout.LayoutOneofCase.MiniBlockLayout:
                MiniBlockEncoding.Validate(page, type, path, name);
                break;
            case PageLayout.LayoutOneofCase.FullZipLayout:
                FullZipEncoding.Validate(page, type, path, name);
                break;
            case PageLayout.LayoutOneofCase.AllNullLayout:
                AllNullEncoding.Validate(page, path, name);
                break;
            default:
                throw LanceFileErrors.Unsupported(path, name, $"the page layout {page.Layout.LayoutCase}");
        }
    }

    /// <summary>Each page's layout and rows, in order.</summary>
    public IReadOnlyList<(PageLayout.LayoutOneofCase Layout, int Rows)> Pages =>
        _pages.Select(p => (p.Layout.LayoutCase, p.Rows)).ToArray();

    /// <summary>Decodes rows [start, start + length) into a new Arrow array.</summary>
    public Apache.Arrow.IArrowArray Read(LanceFileSource file, long start, int length)
    {
        if (ListType is not null)
        {
            return ReadLists(file, start, length);
        }
        if (length == 0)
        {
            return new LanceArrayBuilder(Type, 0, 0).Build();
        }
        var first = PageOf(start);
        var hint = 0L;
        if (Type.Kind == LanceLeafKind.Variable)
        {
            for (var i = first; i < _pages.Length && _pages[i].FirstRow < start + length; i++)
            {
                var page = _pages[i];
                var overlap = Math.Min(start + length, page.FirstRow + page.Rows) - Math.Max(start, page.FirstRow);
                var dataBytes = page.BufferSizes.Length > 1 ? (long)page.BufferSizes[page.Layout.LayoutCase == PageLayout.LayoutOneofCase.MiniBlockLayout ? 1 : 0] : 0;
                // Less the 4-byte offsets (mini-block) or lengths (full-zip) the page holds per value.
                hint += Math.Max(0, dataBytes * overlap / page.Rows - 4 * overlap);
            }
        }
        var builder = new LanceArrayBuilder(Type, length, hint);
        for (var i = first; i < _pages.Length && builder.Position < length; i++)
        {
            var page = _pages[i];
            var from = (int)(start + builder.Position - page.FirstRow);
            var count = (int)Math.Min(length - builder.Position, page.Rows - from);
            switch (page.Layout.LayoutCase)
            {
                case PageLayout.LayoutOneofCase.MiniBlockLayout:
                    MiniBlockEncoding.Decode(file, page, Type, from, count, builder, Name);
                    break;
                case PageLayout.LayoutOneofCase.FullZipLayout:
                    FullZipEncoding.Decode(file, page, Type, from, count, builder, Name);
                    break;
                default:
                    AllNullEncoding.Decode(count, builder);
                    break;
            }
        }
        return builder.Build();
    }

    private Apache.Arrow.IArrowArray ReadLists(LanceFileSource file, long start, int length)
    {
        // Two passes: read each page's bytes for the rows and count their items, then decode into arrays of that size.
        // A page's slice: ListFullZipEncoding.PageSlice or ListMiniBlockSlice, by the page's layout.
        var slices = new List<object>();
        try
        {
            var done = 0;
            for (var i = length == 0 ? _pages.Length : PageOf(start); i < _pages.Length && done < length; i++)
            {
                var page = _pages[i];
                var from = (int)(start + done - page.FirstRow);
                var count = (int)Math.Min(length - done, page.Rows - from);
                slices.Add(page.Layout.LayoutCase switch
                {
                    PageLayout.LayoutOneofCase.MiniBlockLayout => ListMiniBlockEncoding.Read(file, page, from, count, Name),
                    PageLayout.LayoutOneofCase.AllNullLayout => ListMiniBlockEncoding.ReadAllNull(file, page, from, count, Name),
                    _ => ListFullZipEncoding.Read(file, page, Type, from, count, Name),
                });
                done += count;
            }
            var items = 0;
            long bytes = 0;
            foreach (var slice in slices)
            {
                (items, bytes) = slice is ListMiniBlockSlice mini
                    ? (items + mini.Items, bytes + mini.ValueBytes)
                    : (items + ((ListFullZipEncoding.PageSlice)slice).Items, bytes + ((ListFullZipEncoding.PageSlice)slice).Length);
            }
            var lists = new LanceListSink(ListType!, length);
            var itemBuilder = new LanceArrayBuilder(Type, items, bytes);
            foreach (var slice in slices)
            {
                if (slice is ListMiniBlockSlice mini)
                {
                    ListMiniBlockEncoding.Decode(mini, lists, itemBuilder, file.Path, Name);
                }
                else
                {
                    ListFullZipEncoding.Decode((ListFullZipEncoding.PageSlice)slice, Type, lists, itemBuilder, file.Path, Name);
                }
            }
            return lists.Build(itemBuilder.Build());
        }
        finally
        {
            foreach (var slice in slices)
            {
                if (slice is ListMiniBlockSlice mini)
                {
                    ListMiniBlockEncoding.Release(mini);
                }
                else
                {
                    ListFullZipEncoding.Release((ListFullZipEncoding.PageSlice)slice);
                }
            }
        }
    }

    private int PageOf(long row)
    {
        var i = System.Array.BinarySearch(_pageStarts, row);
        return i >= 0 ? i : ~i - 1;
    }
}
