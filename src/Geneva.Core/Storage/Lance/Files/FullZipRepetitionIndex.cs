using System.Buffers.Binary;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The repetition index of a full-zip page (values and lists alike): rows + 1 byte positions of each row
/// in the data buffer (buffer 0), itself buffer 1, packed as u8/u16/u32/u64 by the largest.
/// </summary>
internal static class FullZipRepetitionIndex
{
    public static void Write(long[] positions, LanceByteBuffer destination)
    {
        var max = positions[^1];
        var width = max <= byte.MaxValue ? 1 : max <= ushort.MaxValue ? 2 : max <= uint.MaxValue ? 4 : 8;
        var dest = destination.Grow(positions.Length * width);
        for (var i = 0; i < positions.Length; i++)
        {
            switch (width)
            {
                case 1: dest[i] = (byte)positions[i]; break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(dest[(i * 2)..], (ushort)positions[i]); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(dest[(i * 4)..], (uint)positions[i]); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(dest[(i * 8)..], (ulong)positions[i]); break;
            }
        }
    }

    /// <summary>
    /// Where the data of rows [from, from + count) starts in buffer 0 and how long it is, read from the two
    /// index entries that bound it; <paramref name="pageKind"/> names the page in the error ("a list page").
    /// </summary>
    public static (ulong Start, int Length) RowBytes(LanceFileSource file, LancePage<PageLayout> page, int from, int count, string column, string pageKind)
    {
        var width = (int)(page.BufferSizes[1] / (ulong)(page.Rows + 1));
        Span<byte> ends = stackalloc byte[16];
        file.ReadExactly(page.BufferOffsets[1] + (ulong)from * (ulong)width, ends[..width], column);
        file.ReadExactly(page.BufferOffsets[1] + (ulong)(from + count) * (ulong)width, ends.Slice(8, width), column);
        var start = ReadPacked(ends, width);
        var end = ReadPacked(ends[8..], width);
        if (end < start || end > page.BufferSizes[0])
        {
            throw LanceFileErrors.Corrupt(file.Path, column, $"{pageKind}'s repetition index points outside its data");
        }
        return (start, checked((int)(end - start)));
    }

    private static ulong ReadPacked(ReadOnlySpan<byte> bytes, int width) => width switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };
}
