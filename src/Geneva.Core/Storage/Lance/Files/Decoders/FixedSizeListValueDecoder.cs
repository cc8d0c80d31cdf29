namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's FixedSizeList over Flat in a mini-block chunk (vectors under 256 bytes a row): the items row after
/// row; with item validity, a first buffer holds the chunk's item validity bits (from bit 0).
/// </summary>
internal sealed class FixedSizeListValueDecoder : MiniBlockValueDecoder
{
    private readonly int _dimension;
    private readonly int _rowBytes;
    private readonly bool _hasValidity;

    public FixedSizeListValueDecoder(int dimension, int itemBytes, bool hasValidity, string path, string column) : base(path, column)
    {
        _dimension = dimension;
        _rowBytes = dimension * itemBytes;
        _hasValidity = hasValidity;
    }

    public override int BufferCount => _hasValidity ? 2 : 1;

    public override string Name => $"fixed-size-list({_dimension}{(_hasValidity ? ", item validity" : "")})";

    public override int ValueBytes => _rowBytes;

    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var values = buffers[BufferCount - 1];
        if (values.Length < chunkValues * _rowBytes)
        {
            throw Corrupt($"a mini-block chunk of {chunkValues} vectors holds {values.Length} value bytes");
        }
        values.Slice(a * _rowBytes, (b - a) * _rowBytes).CopyTo(destination);
    }

    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        if (_hasValidity)
        {
            CheckBuffers(buffers);
            CheckRange(chunkValues, a, b);
            var validity = buffers[0];
            if (validity.Length < (chunkValues * _dimension + 7) >> 3)
            {
                throw Corrupt($"a mini-block chunk of {chunkValues} vectors holds {validity.Length} bytes of item validity");
            }
            builder.ApplyItemValidity(validity, a * _dimension, b - a);
        }
        base.Append(buffers, chunkValues, a, b, builder);
    }
}
