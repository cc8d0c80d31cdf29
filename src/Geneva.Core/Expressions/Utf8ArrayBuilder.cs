using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// Appends UTF-8 (or raw) byte runs straight into value and offset buffers, skipping the
/// string round trip of <see cref="StringArray.Builder"/>.
/// </summary>
internal sealed class Utf8ArrayBuilder
{
    private readonly int[] _offsets;
    private readonly bool[] _validity;
    private byte[] _data;
    private int _count;
    private int _size;
    private bool _anyNull;

    public Utf8ArrayBuilder(int length, int bytesHint)
    {
        _offsets = new int[length + 1];
        _validity = new bool[length];
        _data = new byte[Math.Max(16, bytesHint)];
    }

    public void Append(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length);
        value.CopyTo(_data.AsSpan(_size));
        _size += value.Length;
        _validity[_count++] = true;
        _offsets[_count] = _size;
    }

    /// <summary>Space for <paramref name="extra"/> more bytes, for callers that write in place.</summary>
    public Span<byte> Reserve(int extra)
    {
        if (_size + extra > _data.Length)
        {
            System.Array.Resize(ref _data, (int)Math.Min(System.Array.MaxLength, Math.Max((long)_data.Length * 2, (long)_size + extra)));
        }
        return _data.AsSpan(_size, extra);
    }

    /// <summary>Completes a value written through <see cref="Reserve"/>.</summary>
    public void Commit(int written)
    {
        _size += written;
        _validity[_count++] = true;
        _offsets[_count] = _size;
    }

    public void AppendNull()
    {
        _anyNull = true;
        _count++;
        _offsets[_count] = _size;
    }

    public BinaryArray Build(ValueKind kind)
    {
        var offsets = new ArrowBuffer(MemoryMarshal.AsBytes(_offsets.AsSpan(0, _count + 1)).ToArray());
        var data = new ArrowBuffer(_data.AsMemory(0, _size));
        var bitmap = ArrowBits.PackValidity(_anyNull ? _validity : null, _count, out var nullCount);
        return kind == ValueKind.Binary
            ? new BinaryArray(BinaryType.Default, _count, offsets, data, bitmap, nullCount, 0)
            : new StringArray(_count, offsets, data, bitmap, nullCount, 0);
    }
}
