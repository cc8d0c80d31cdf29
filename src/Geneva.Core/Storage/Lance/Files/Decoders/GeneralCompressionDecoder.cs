using System.Buffers.Binary;
using Geneva.Core.Storage.Lance.Proto;
using K4os.Compression.LZ4;
using ZstdSharp;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's General value compression in a mini-block chunk: the chunk's first buffer is zstd (a u64
/// uncompressed length, then a zstd frame; or a bare frame) or lz4 (a u32 uncompressed length, then an lz4
/// block), decompressed before the inner encoding decodes it. LanceDB 2.1 writes it for fields whose metadata
/// asks (<c>lance-encoding:compression</c> = zstd | lz4).
/// </summary>
internal sealed class GeneralCompressionDecoder : MiniBlockValueDecoder
{
    /// <summary>Far above a chunk's 32 KiB: what a corrupt length may make us allocate.</summary>
    private const int MaxDecompressed = 4 * 1024 * 1024;

    private const uint ZstdMagic = 0xFD2FB528;

    [ThreadStatic] private static Decompressor? s_zstd;

    private readonly CompressionScheme _scheme;
    private readonly MiniBlockValueDecoder _inner;

    public GeneralCompressionDecoder(CompressionScheme scheme, MiniBlockValueDecoder inner, string path, string column) : base(path, column)
    {
        _scheme = scheme;
        _inner = inner;
    }

    public override int BufferCount => _inner.BufferCount;

    public override string Name => $"{(_scheme == CompressionScheme.CompressionAlgorithmZstd ? "zstd" : "lz4")}({_inner.Name})";

    public override int ValueBytes => _inner.ValueBytes;

    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination) =>
        _inner.DecodeFixed(buffers.WithFirst(Decompress(buffers[0])), chunkValues, a, b, destination);

    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder) =>
        _inner.Append(buffers.WithFirst(Decompress(buffers[0])), chunkValues, a, b, builder);

    private ReadOnlySpan<byte> Decompress(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return input;
        }
        try
        {
            return _scheme == CompressionScheme.CompressionAlgorithmZstd ? Zstd(input) : Lz4(input);
        }
        catch (ZstdException e)
        {
            throw LanceFileErrors.Corrupt(Path, Column, $"a zstd mini-block chunk does not decompress: {e.Message}", e);
        }
    }

    private ReadOnlySpan<byte> Zstd(ReadOnlySpan<byte> input)
    {
        var zstd = s_zstd ??= new Decompressor();
        ulong length;
        // A bare frame (older writers) starts with the magic and a frame header whose reserved bit is 0.
        if (input.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(input) == ZstdMagic && (input[4] & 0x10) == 0)
        {
            length = Decompressor.GetDecompressedSize(input);
        }
        else
        {
            if (input.Length < 8)
            {
                throw Corrupt($"a zstd mini-block chunk of {input.Length} bytes has no length");
            }
            length = BinaryPrimitives.ReadUInt64LittleEndian(input);
            input = input[8..];
        }
        var output = MiniBlockScratch.General(CheckLength(length));
        var written = zstd.Unwrap(input, output);
        if (written != output.Length)
        {
            throw Corrupt($"a zstd mini-block chunk decompressed to {written} bytes, not {output.Length}");
        }
        return output;
    }

    private ReadOnlySpan<byte> Lz4(ReadOnlySpan<byte> input)
    {
        if (input.Length < 4)
        {
            throw Corrupt($"an lz4 mini-block chunk of {input.Length} bytes has no length");
        }
        var output = MiniBlockScratch.General(CheckLength(BinaryPrimitives.ReadUInt32LittleEndian(input)));
        var written = LZ4Codec.Decode(input[4..], output);
        if (written != output.Length)
        {
            throw Corrupt($"an lz4 mini-block chunk decompressed to {written} bytes, not {output.Length}");
        }
        return output;
    }

    private int CheckLength(ulong length) => length <= MaxDecompressed
        ? (int)length
        : throw Corrupt($"a compressed mini-block chunk claims {length} bytes");
}
