using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// A mini-block page with a dictionary: the chunks hold indices (i32, or i64 for 64-bit offsets) in their own
/// value compression (bitpacked or RLE), and the page's third buffer holds the items: strings as a Variable
/// block (u32 32, u32 start of the bytes, (items + 1) u32 offsets from that start, the bytes; or the same in
/// u64), fixed-width values flat. <see cref="Load"/> reads the items once a page, before any chunk.
/// </summary>
internal sealed class DictionaryValueDecoder : MiniBlockValueDecoder
{
    private readonly MiniBlockValueDecoder _indices;
    private readonly int _itemBytes; // 0 for variable items
    private readonly int _count;
    private byte[] _items = [];
    private int[] _offsets = [];

    public DictionaryValueDecoder(MiniBlockValueDecoder indices, int itemBytes, int count, string path, string column) : base(path, column)
    {
        _indices = indices;
        _itemBytes = itemBytes;
        _count = count;
    }

    public override int BufferCount => _indices.BufferCount;

    public override string Name => $"dictionary({_count} {(_itemBytes == 0 ? "strings" : "values")}, {_indices.Name})";

    public override int ValueBytes => _itemBytes;

    /// <summary>Takes the items from the page's dictionary buffer (a Variable block, or flat values).</summary>
    public void Load(ReadOnlySpan<byte> buffer)
    {
        if (_itemBytes != 0)
        {
            if (buffer.Length < (long)_count * _itemBytes)
            {
                throw Corrupt($"a dictionary of {_count} values has {buffer.Length} bytes");
            }
            _items = buffer[..(_count * _itemBytes)].ToArray();
            return;
        }
        var wide = buffer.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(buffer) == 64;
        var size = wide ? 8 : 4;
        if (buffer.Length < 2 * size || (!wide && BinaryPrimitives.ReadUInt32LittleEndian(buffer) != 32))
        {
            throw Corrupt($"a string dictionary of {buffer.Length} bytes does not start with its offset width");
        }
        var start = wide ? BinaryPrimitives.ReadUInt64LittleEndian(buffer[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]);
        var offsetsEnd = 2L * size + (_count + 1L) * size;
        if (start != (ulong)offsetsEnd || offsetsEnd > buffer.Length)
        {
            throw Corrupt($"a string dictionary of {_count} items and {buffer.Length} bytes has its bytes at {start}");
        }
        var bytes = buffer[(int)start..];
        var offsets = new int[_count + 1];
        for (var i = 0; i <= _count; i++)
        {
            var at = 2 * size + i * size;
            var o = wide ? BinaryPrimitives.ReadUInt64LittleEndian(buffer[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(buffer[at..]);
            if (o > (ulong)bytes.Length || (i > 0 && (int)o < offsets[i - 1]))
            {
                throw Corrupt("a string dictionary's offsets decrease or point past its bytes");
            }
            offsets[i] = (int)o;
        }
        _items = bytes[offsets[0]..offsets[_count]].ToArray();
        if (offsets[0] != 0)
        {
            var first = offsets[0];
            for (var i = 0; i <= _count; i++)
            {
                offsets[i] -= first;
            }
        }
        _offsets = offsets;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        var rows = b - a;
        var indexBytes = _indices.ValueBytes;
        var raw = MiniBlockScratch.Indices(rows * indexBytes);
        _indices.DecodeFixed(buffers, chunkValues, a, b, raw);
        var indices = MiniBlockScratch.Values(rows * 4);
        var keys = MemoryMarshal.Cast<byte, int>(indices);
        ToKeys(raw, indexBytes, keys);
        if (_itemBytes != 0)
        {
            var destination = builder.FixedDestination(rows);
            var items = _items.AsSpan();
            for (var i = 0; i < keys.Length; i++)
            {
                items.Slice(keys[i] * _itemBytes, _itemBytes).CopyTo(destination.Slice(i * _itemBytes, _itemBytes));
            }
            builder.Advance(rows);
            return;
        }
        var offsets = _offsets;
        long total = 0;
        foreach (var k in keys)
        {
            total += offsets[k + 1] - offsets[k];
        }
        var data = builder.ReserveData(checked((int)total));
        var ends = builder.VariableEnds(rows);
        var start = builder.DataLength;
        var source = _items.AsSpan();
        var pos = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i];
            var length = offsets[k + 1] - offsets[k];
            source.Slice(offsets[k], length).CopyTo(data[pos..]);
            pos += length;
            ends[i] = start + pos;
        }
        builder.AdvanceVariable(rows, pos);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ToKeys(ReadOnlySpan<byte> raw, int indexBytes, Span<int> keys)
    {
        var count = (uint)_count;
        if (indexBytes == 4)
        {
            var indices = MemoryMarshal.Cast<byte, uint>(raw);
            for (var i = 0; i < keys.Length; i++)
            {
                var key = indices[i];
                if (key >= count)
                {
                    throw Corrupt($"a dictionary index {key} is past the dictionary's {_count} items");
                }
                keys[i] = (int)key;
            }
            return;
        }
        for (var i = 0; i < keys.Length; i++)
        {
            var key = indexBytes switch
            {
                1 => raw[i],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(raw[(8 * i)..]),
            };
            if (key >= count)
            {
                throw Corrupt($"a dictionary index {key} is past the dictionary's {_count} items");
            }
            keys[i] = (int)key;
        }
    }
}
