namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>Lance's Flat value compression in a mini-block chunk: fixed-width values as they are, or bools one bit each.</summary>
internal sealed class FlatValueDecoder : MiniBlockValueDecoder
{
    private readonly int _bytes; // 0 for bits

    /// <param name="bits">Bits of a value: 1 (bool) or a multiple of 8.</param>
    public FlatValueDecoder(int bits, string path, string column) : base(path, column)
    {
        _bytes = bits == 1 ? 0 : bits / 8;
    }

    public override int BufferCount => 1;

    public override string Name => _bytes == 0 ? "flat(1)" : $"flat({_bytes * 8})";

    public override int ValueBytes => _bytes;

    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var values = buffers[0];
        if (values.Length < chunkValues * _bytes)
        {
            throw Corrupt($"a mini-block chunk of {chunkValues} values holds {values.Length} value bytes");
        }
        values.Slice(a * _bytes, (b - a) * _bytes).CopyTo(destination);
    }

    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        if (_bytes != 0)
        {
            base.Append(buffers, chunkValues, a, b, builder);
            return;
        }
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var values = buffers[0];
        if (values.Length < (chunkValues + 7) >> 3)
        {
            throw Corrupt($"a mini-block chunk of {chunkValues} bools holds {values.Length} value bytes");
        }
        builder.AppendBits(values, a, b - a);
    }
}
