namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One page of a column as the column metadata describes it, with what its layout caches on first read.
/// <typeparamref name="TLayout"/> is the format's page layout (2.1's PageLayout, <see cref="Lance20PageLayout"/>).
/// </summary>
internal sealed class LancePage<TLayout>
{
    public LancePage(long firstRow, int rows, ulong[] bufferOffsets, ulong[] bufferSizes, TLayout layout)
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

    public TLayout Layout { get; }

    /// <summary>Layout state read once (a mini-block chunk index, a dictionary's items); set with Interlocked so concurrent reads share it.</summary>
    public object? State;
}
