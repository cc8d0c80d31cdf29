namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One page of a 2.0 column as the column metadata describes it, with what it caches on first read.</summary>
internal sealed class Lance20Page
{
    public Lance20Page(long firstRow, int rows, ulong[] bufferOffsets, ulong[] bufferSizes, Lance20PageLayout layout)
    {
        FirstRow = firstRow;
        Rows = rows;
        BufferOffsets = bufferOffsets;
        BufferSizes = bufferSizes;
        Layout = layout;
    }

    public long FirstRow { get; }

    public int Rows { get; }

    public ulong[] BufferOffsets { get; }

    public ulong[] BufferSizes { get; }

    public Lance20PageLayout Layout { get; }

    /// <summary>A dictionary page's decoded items, read once; set with Interlocked so concurrent reads share it.</summary>
    public Lance20DictionaryItems? Dictionary;
}
