using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>A growable byte buffer reused page after page, so a column writer allocates only while it grows.</summary>
internal sealed class LanceByteBuffer
{
    private byte[] _array;

    public LanceByteBuffer(int capacity = 0)
    {
        _array = capacity == 0 ? [] : GC.AllocateUninitializedArray<byte>(capacity);
    }

    public int Length { get; private set; }

    public Span<byte> Span => _array.AsSpan(0, Length);

    public byte[] Array => _array;

    public void Clear() => Length = 0;

    /// <summary>Grows the buffer by <paramref name="count"/> bytes and returns them (not zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Grow(int count)
    {
        var start = Length;
        var end = start + count;
        if ((uint)end > (uint)_array.Length)
        {
            Resize(end);
        }
        Length = end;
        return _array.AsSpan(start, count);
    }

    public void Append(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendUInt16(ushort value) => MemoryMarshal.Write(Grow(2), in value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendInt32(int value) => MemoryMarshal.Write(Grow(4), in value);

    /// <summary>Appends zero bytes up to the next multiple of <paramref name="alignment"/> (a power of two) with <paramref name="fill"/>.</summary>
    public void PadTo(int alignment, byte fill)
    {
        var pad = (alignment - (Length & (alignment - 1))) & (alignment - 1);
        if (pad > 0)
        {
            Grow(pad).Fill(fill);
        }
    }

    private void Resize(int needed)
    {
        var size = Math.Max(needed, Math.Max(256, (int)Math.Min(System.Array.MaxLength, 2L * _array.Length)));
        var bigger = GC.AllocateUninitializedArray<byte>(size);
        _array.AsSpan(0, Length).CopyTo(bigger);
        _array = bigger;
    }
}
