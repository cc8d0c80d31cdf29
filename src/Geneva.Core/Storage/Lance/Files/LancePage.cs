using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One page of a column as the column metadata describes it, with what its layout caches on first read.</summary>
internal sealed class LancePage
{
    public LancePage(long firstRow, int rows, ulong[] bufferOffsets, ulong[] bufferSizes, PageLayout layout)
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

    public PageLayout Layout { get; }

    /// <summary>Layout state read once (a mini-block chunk index); set with Interlocked so concurrent reads share it.</summary>
    public object? State;
}
