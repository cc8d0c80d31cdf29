namespace Geneva.Core.Storage.Lance.Files;

/// <summary>The destination stream of a data file, written strictly in order, with its position counted (no seeking).</summary>
internal sealed class LanceFileOutput(Stream stream)
{
    /// <summary>Lance aligns every data buffer to 64 bytes and pads with 'H' (72), as its writer does.</summary>
    public const int Alignment = 64;

    private static readonly byte[] s_padding = Enumerable.Repeat((byte)72, Alignment).ToArray();

    public long Position { get; private set; }

    /// <summary>Pads to 64 bytes, writes <paramref name="bytes"/> and returns where they start.</summary>
    public ulong WriteAligned(ReadOnlySpan<byte> bytes)
    {
        var pad = (int)((Alignment - (Position & (Alignment - 1))) & (Alignment - 1));
        if (pad > 0)
        {
            Write(s_padding.AsSpan(0, pad));
        }
        var start = Position;
        Write(bytes);
        return (ulong)start;
    }

    /// <summary>Writes one buffer of a page, aligned, and records where it is in the page's metadata.</summary>
    public void WritePageBuffer(Proto.ColumnMetadata.Types.Page page, ReadOnlySpan<byte> buffer)
    {
        page.BufferOffsets.Add(WriteAligned(buffer));
        page.BufferSizes.Add((ulong)buffer.Length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        Position += bytes.Length;
    }
}
