namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// A page of a 2.0 list's offsets column (<c>ArrayEncoding.List</c>): one u64 entry a row, the row's end in
/// the page's items, plus <see cref="NullAdjustment"/> when the list is null. Entries restart at 0 each page;
/// the page's items follow those of the pages before it in the items column.
/// </summary>
internal sealed class Lance20ListPage
{
    /// <summary>The page buffer of the u64 entries.</summary>
    public required int EntriesBuffer { get; init; }

    /// <summary>An entry at or above this is a null list's end plus this (LanceDB writes the page's items + 1).</summary>
    public required ulong NullAdjustment { get; init; }

    /// <summary>How many items of the items column the page's lists hold.</summary>
    public required ulong Items { get; init; }

    /// <summary>The page's first item in the items column (the items of all pages before it).</summary>
    public long FirstItem { get; set; }
}
