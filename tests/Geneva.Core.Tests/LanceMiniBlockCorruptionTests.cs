using CsCheck;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Files.Decoders;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Tests;

/// <summary>
/// Bad mini-block bytes give DataFileCorrupt naming file and column, never an IndexOutOfRange: bad bit widths,
/// truncated chunks, runs that stop short, dictionary indices past the dictionary, random bytes to every decoder.
/// </summary>
public sealed class LanceMiniBlockCorruptionTests
{
    private const string Path = "bad.lance";
    private const string Column = "c";

    [Fact]
    public void InlineBitpacking_WidthAboveValueBits_IsCorrupt()
    {
        var chunk = new byte[4 + 33 * 128];
        chunk[0] = 33;
        var e = Assert.Throws<GenevaException>(() => Decode(new InlineBitpackingDecoder(32, Path, Column), 1024, chunk));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
        Assert.Contains("bit width of 33", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineBitpacking_TruncatedChunk_IsCorrupt()
    {
        var chunk = new byte[4 + 5 * 128 - 1];
        chunk[0] = 5;
        var e = Assert.Throws<GenevaException>(() => Decode(new InlineBitpackingDecoder(32, Path, Column), 1024, chunk));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
    }

    [Fact]
    public void Rle_RunsShortOfTheChunk_IsCorrupt()
    {
        var values = new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 };
        var lengths = new byte[] { 10, 10 };
        var e = Assert.Throws<GenevaException>(() =>
            new RleValueDecoder(32, Path, Column).DecodeFixed(new MiniBlockBuffers(2, values, lengths), 30, 0, 30, new byte[120]));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
    }

    [Fact]
    public void Dictionary_IndexPastItems_IsCorrupt()
    {
        var dictionary = new DictionaryValueDecoder(new FlatValueDecoder(32, Path, Column), 0, 2, Path, Column);
        // A Variable block: bits 32, bytes at 20, offsets 0, 1, 2, then "ab".
        dictionary.Load([32, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, (byte)'a', (byte)'b']);
        var indices = new byte[] { 0, 0, 0, 0, 2, 0, 0, 0 };
        var builder = new LanceArrayBuilder(LanceLeafType.TryCreate(Apache.Arrow.Types.StringType.Default)!, 2, 0);
        var e = Assert.Throws<GenevaException>(() => dictionary.Append(new MiniBlockBuffers(1, indices), 2, 0, 2, builder));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
    }

    [Fact]
    public void DefinitionLevels_TruncatedOutOfLineBitpacking_IsCorrupt()
    {
        var encoding = new CompressiveEncoding
        {
            OutOfLineBitpacking = new OutOfLineBitpacking
            {
                UncompressedBitsPerValue = 16,
                Values = new CompressiveEncoding { Flat = new Flat { BitsPerValue = 1 } },
            },
        };
        var levels = DefinitionLevelDecoder.TryCreate(encoding, Path, Column)!;
        var e = Assert.Throws<GenevaException>(() => levels.Decode(new byte[100], 2048));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
    }

    [Fact]
    public void EveryDecoder_RandomBytes_DecodesOrIsCorrupt()
    {
        var fixedDecoders = new MiniBlockValueDecoder[]
        {
            new FlatValueDecoder(32, Path, Column),
            new InlineBitpackingDecoder(8, Path, Column),
            new InlineBitpackingDecoder(16, Path, Column),
            new InlineBitpackingDecoder(64, Path, Column),
            new RleValueDecoder(16, Path, Column),
            new ByteStreamSplitDecoder(64, Path, Column),
            new GeneralCompressionDecoder(CompressionScheme.CompressionAlgorithmZstd, new FlatValueDecoder(32, Path, Column), Path, Column),
            new GeneralCompressionDecoder(CompressionScheme.CompressionAlgorithmLz4, new FlatValueDecoder(32, Path, Column), Path, Column),
        };
        var gen = Gen.Select(Gen.Int[0, fixedDecoders.Length - 1], Gen.Int[1, 1024], Gen.Byte.Array[0, 1200], Gen.Byte.Array[0, 300]);
        gen.Sample((d, values, b0, b1) =>
        {
            var decoder = fixedDecoders[d];
            var buffers = new MiniBlockBuffers(decoder.BufferCount, b0, b1);
            try
            {
                decoder.DecodeFixed(buffers, values, 0, values, new byte[values * decoder.ValueBytes]);
            }
            catch (GenevaException e) when (e.Code == GenevaErrorCode.DataFileCorrupt)
            {
            }
        }, iter: 3000);
    }

    [Fact]
    public void VariableDecoders_RandomBytes_DecodeOrAreCorrupt()
    {
        var type = LanceLeafType.TryCreate(Apache.Arrow.Types.StringType.Default)!;
        Gen.Select(Gen.Int[1, 64], Gen.Byte.Array[0, 600]).Sample((values, bytes) =>
        {
            try
            {
                new VariableValueDecoder(Path, Column).Append(new MiniBlockBuffers(1, bytes), values, 0, values, new LanceArrayBuilder(type, values, 0));
            }
            catch (GenevaException e) when (e.Code == GenevaErrorCode.DataFileCorrupt)
            {
            }
        }, iter: 3000);
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("packed-struct")]
    [InlineData("bitpacked-offsets")]
    [InlineData("unknown-general")]
    public void Validate_EncodingGenevaDoesNotRead_IsUnsupportedNamingFileColumnAndEncoding(string which)
    {
        var int32 = LanceLeafType.TryCreate(Apache.Arrow.Types.Int32Type.Default)!;
        var utf8 = LanceLeafType.TryCreate(Apache.Arrow.Types.StringType.Default)!;
        var flat32 = new CompressiveEncoding { Flat = new Flat { BitsPerValue = 32 } };
        var (type, encoding, name) = which switch
        {
            "constant" => (int32, new CompressiveEncoding { Constant = new Constant() }, "Constant"),
            "packed-struct" => (int32, new CompressiveEncoding { PackedStruct = new PackedStruct { Values = flat32 } }, "PackedStruct"),
            "bitpacked-offsets" => (utf8, new CompressiveEncoding
            {
                Variable = new Variable { Offsets = new CompressiveEncoding { InlineBitpacking = new InlineBitpacking { UncompressedBitsPerValue = 32 } } },
            }, "Variable(InlineBitpacking)"),
            _ => (int32, new CompressiveEncoding { General = new General { Compression = new BufferCompression(), Values = flat32 } }, "General(Flat)"),
        };
        var layout = new MiniBlockLayout { ValueCompression = encoding, NumBuffers = 1, NumItems = 10 };
        layout.Layers.Add(RepDefLayer.RepdefAllValidItem);
        var page = new LancePage<PageLayout>(0, 10, [0, 0], [0, 0], new PageLayout { MiniBlockLayout = layout });
        var e = Assert.Throws<LanceUnsupportedEncodingException>(() => MiniBlockEncoding.Validate(page, type, Path, Column));
        Assert.Contains($"'{Path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"column '{Column}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MiniBlockWithRepetitionLevels_IsUnsupported()
    {
        var layout = new MiniBlockLayout
        {
            ValueCompression = new CompressiveEncoding { Flat = new Flat { BitsPerValue = 32 } },
            RepCompression = new CompressiveEncoding { Flat = new Flat { BitsPerValue = 16 } },
            NumBuffers = 1,
            NumItems = 10,
        };
        layout.Layers.Add(RepDefLayer.RepdefAllValidItem);
        layout.Layers.Add(RepDefLayer.RepdefAllValidList);
        var page = new LancePage<PageLayout>(0, 10, [0, 0], [0, 0], new PageLayout { MiniBlockLayout = layout });
        Assert.Throws<LanceUnsupportedEncodingException>(() =>
            MiniBlockEncoding.Validate(page, LanceLeafType.TryCreate(Apache.Arrow.Types.Int32Type.Default)!, Path, Column));
    }

    private static void Decode(MiniBlockValueDecoder decoder, int values, byte[] chunk) =>
        decoder.DecodeFixed(new MiniBlockBuffers(1, chunk), values, 0, values, new byte[values * decoder.ValueBytes]);
}
