namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>The value buffers of one mini-block chunk (RLE has two, a vector with item validity two), borrowed from the chunk.</summary>
internal readonly ref struct MiniBlockBuffers
{
    public const int Max = 4;

    private readonly ReadOnlySpan<byte> _b0;
    private readonly ReadOnlySpan<byte> _b1;
    private readonly ReadOnlySpan<byte> _b2;
    private readonly ReadOnlySpan<byte> _b3;

    public MiniBlockBuffers(int count, ReadOnlySpan<byte> b0, ReadOnlySpan<byte> b1 = default, ReadOnlySpan<byte> b2 = default, ReadOnlySpan<byte> b3 = default)
    {
        Count = count;
        _b0 = b0;
        _b1 = b1;
        _b2 = b2;
        _b3 = b3;
    }

    public int Count { get; }

    public ReadOnlySpan<byte> this[int index] => index switch
    {
        0 => _b0,
        1 => _b1,
        2 => _b2,
        3 => _b3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The same buffers with buffer 0 replaced (what general compression decompressed).</summary>
    public MiniBlockBuffers WithFirst(ReadOnlySpan<byte> first) => new(Count, first, _b1, _b2, _b3);
}
