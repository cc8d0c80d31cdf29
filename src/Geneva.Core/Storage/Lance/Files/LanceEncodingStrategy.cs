using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The one place that picks a page's encoding, as Lance's own writer does without compression:
/// all null → all-null layout; rows of 256 bytes or more (wide vectors, long strings: a value over
/// 32 KiB cannot sit in a mini-block chunk at all) → full-zip; everything else → mini-block.
/// list&lt;T&gt; pages are full-zip with repetition levels.
/// A smarter choice (bitpacking, FSST, dictionaries) changes this class only.
/// </summary>
internal static class LanceEncodingStrategy
{
    /// <summary>Encodes the page into <paramref name="first"/> and <paramref name="second"/>; returns its layout and how many of the two buffers it uses, in order.</summary>
    public static (PageLayout Layout, int BufferCount) Encode(LancePageBuffer page, LanceByteBuffer first, LanceByteBuffer second)
    {
        if (page.NullCount == page.Count)
        {
            return (AllNullEncoding.Encode(), 0);
        }
        var wide = page.Type.Kind switch
        {
            LanceLeafKind.Fixed => page.Type.RowBytes >= MiniBlockEncoding.MaxNarrowBytes,
            LanceLeafKind.Variable => page.MaxValueLength >= MiniBlockEncoding.MaxNarrowBytes,
            _ => false,
        };
        if (wide)
        {
            var layout = FullZipEncoding.Encode(page, first, second);
            return (layout, page.Type.Kind == LanceLeafKind.Variable ? 2 : 1);
        }
        return (MiniBlockEncoding.Encode(page, first, second), 2);
    }

    /// <summary>list&lt;T&gt; pages: full-zip with repetition (data and repetition index), whatever the item width.</summary>
    public static (PageLayout Layout, int BufferCount) Encode(LanceListPageBuffer page, LanceByteBuffer first, LanceByteBuffer second) =>
        (ListFullZipEncoding.Encode(page, first, second), 2);
}
