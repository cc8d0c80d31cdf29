using System.Buffers.Binary;
using ZstdSharp;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One value Lance compressed with zstd on its own (its "general" compression, per value): a u64 little-endian
/// decompressed length then a zstd frame, or (older writers) a bare zstd frame, told apart as Lance does by the
/// frame magic and the reserved bit of the frame header. An empty value stays empty.
/// </summary>
internal static class LanceZstdValue
{
    private const uint FrameMagic = 0xFD2FB528;
    private const ulong MaxRatio = 32768;

    /// <summary>The decompressed length of <paramref name="value"/>; DataFileCorrupt when it cannot be known.</summary>
    public static long Length(ReadOnlySpan<byte> value, string path, string column)
    {
        if (value.IsEmpty)
        {
            return 0;
        }
        if (IsBareFrame(value))
        {
            ulong size;
            try
            {
                size = Decompressor.GetDecompressedSize(value);
            }
            catch (ZstdException e)
            {
                throw LanceFileErrors.Corrupt(path, column, "a zstd value has no valid frame header", e);
            }
            return size > int.MaxValue ? throw LanceFileErrors.Corrupt(path, column, $"a zstd value claims {size} bytes") : (long)size;
        }
        if (value.Length < 8)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a zstd value of {value.Length} bytes has no length prefix");
        }
        var length = BinaryPrimitives.ReadUInt64LittleEndian(value);
        // zstd inflates at most about 32768-fold (a 3-byte RLE block per 128 KiB): a larger claim is a broken prefix.
        if (length > int.MaxValue || length > (ulong)(value.Length - 8) * MaxRatio)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a zstd value of {value.Length} bytes claims {length} bytes");
        }
        return (long)length;
    }

    /// <summary>Decompresses <paramref name="value"/> into exactly <paramref name="output"/> (sized by <see cref="Length"/>).</summary>
    public static void Decompress(Decompressor decompressor, ReadOnlySpan<byte> value, Span<byte> output, string path, string column)
    {
        if (value.IsEmpty)
        {
            return;
        }
        var frame = IsBareFrame(value) ? value : value[8..];
        int written;
        try
        {
            if (!decompressor.TryUnwrap(frame, output, out written))
            {
                throw LanceFileErrors.Corrupt(path, column, $"a zstd value holds more than the {output.Length} bytes it claims");
            }
        }
        catch (ZstdException e)
        {
            throw LanceFileErrors.Corrupt(path, column, "a zstd value does not decompress", e);
        }
        if (written != output.Length)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a zstd value of {output.Length} bytes decompresses to {written}");
        }
    }

    private static bool IsBareFrame(ReadOnlySpan<byte> value) =>
        value.Length < 8 || (BinaryPrimitives.ReadUInt32LittleEndian(value) == FrameMagic && (value[4] & 0x10) == 0);
}
