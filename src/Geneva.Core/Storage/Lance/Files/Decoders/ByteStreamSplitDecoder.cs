using System.Runtime.CompilerServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's ByteStreamSplit in a mini-block chunk: byte j of value i at <c>j * values + i</c>. LanceDB writes it
/// under general compression (a field with <c>lance-encoding:compression</c>) for 32- and 64-bit values.
/// </summary>
internal sealed class ByteStreamSplitDecoder : MiniBlockValueDecoder
{
    private readonly int _bytes;

    public ByteStreamSplitDecoder(int bits, string path, string column) : base(path, column)
    {
        _bytes = bits / 8;
    }

    public override int BufferCount => 1;

    public override string Name => $"byte-stream-split({_bytes * 8})";

    public override int ValueBytes => _bytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var streams = buffers[0];
        if (streams.Length != chunkValues * _bytes)
        {
            throw Corrupt($"a byte-stream-split mini-block chunk of {chunkValues} values has {streams.Length} bytes");
        }
        var rows = b - a;
        for (var j = 0; j < _bytes; j++)
        {
            var stream = streams.Slice(j * chunkValues + a, rows);
            for (var i = 0; i < stream.Length; i++)
            {
                destination[i * _bytes + j] = stream[i];
            }
        }
    }
}
