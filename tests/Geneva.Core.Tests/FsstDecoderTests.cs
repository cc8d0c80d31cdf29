using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using Encoding = System.Text.Encoding;

namespace Geneva.Core.Tests;

/// <summary>
/// <see cref="FsstDecoder"/> and <see cref="FsstSymbolTable"/>: on values LanceDB 0.31 compressed (a full-zip
/// FSST page of Fixtures/lance/fullzip/long21.lance), by round trip through a tiny greedy test compressor,
/// and on corrupt tables and data.
/// </summary>
public sealed class FsstDecoderTests
{
    private const string Path = "f.lance";
    private const string Column = "c";

    /// <summary>A serialised table (Lance's layout) of the given symbols; compressed as Lance's switch says.</summary>
    private static byte[] Table(IReadOnlyList<byte[]> symbols, bool compressed = true)
    {
        var bytes = new byte[FsstSymbolTable.SerializedSize];
        var header = (0x46535354UL << 32) | ((compressed ? 1UL : 0UL) << 24) | (uint)symbols.Count;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, header);
        for (var i = 0; i < symbols.Count; i++)
        {
            symbols[i].CopyTo(bytes, 8 + i * 8);
            bytes[8 + symbols.Count * 8 + i] = (byte)symbols[i].Length;
        }
        return bytes;
    }

    /// <summary>Greedy longest-match compression (test only: Lance's encoder picks codes the same way a decoder reads them).</summary>
    private static byte[] Compress(IReadOnlyList<byte[]> symbols, ReadOnlySpan<byte> value)
    {
        var output = new List<byte>();
        var i = 0;
        while (i < value.Length)
        {
            var best = -1;
            for (var s = 0; s < symbols.Count; s++)
            {
                if (value[i..].StartsWith(symbols[s]) && (best < 0 || symbols[s].Length > symbols[best].Length))
                {
                    best = s;
                }
            }
            if (best >= 0)
            {
                output.Add((byte)best);
                i += symbols[best].Length;
            }
            else
            {
                output.Add(FsstSymbolTable.Escape);
                output.Add(value[i]);
                i++;
            }
        }
        return output.ToArray();
    }

    private static readonly byte[][] s_symbols = new[] { "the ", "lance", "e", " ", "ing", "column", "ab", "\u00fc", "xyz12345" }
        .Select(s => Encoding.UTF8.GetBytes(s)).Append([0xFF]).Append([0x00, 0xFF, 0x01]).ToArray();

    [Fact]
    public void Decompress_LanceDBFullZipPage_ValuesAsLanceDBScansThem()
    {
        var expected = LanceDbFixturePages.Expected("long21")["long"];
        var (layout, buffers, rows) = LanceDbFixturePages.Pages21("long21", "long").Single();
        // What LanceDB chose: full-zip, FSST over variable, 32-bit lengths, nullable.
        var fullZip = layout.FullZipLayout;
        Assert.NotNull(fullZip);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.Fsst, fullZip.ValueCompression.CompressionCase);
        Assert.Equal(1u, fullZip.BitsDef);
        var table = FsstSymbolTable.Parse(fullZip.ValueCompression.Fsst.SymbolTable.Span, Path, Column);
        Assert.True(table.IsCompressed);
        Assert.Equal(FsstSymbolTable.SerializedSize, fullZip.ValueCompression.Fsst.SymbolTable.Length);

        // Rows: a definition byte, then (when valid) a u32 length and the compressed bytes.
        var data = buffers[0];
        var at = 0;
        var compressedTotal = 0;
        var nulls = 0;
        for (var row = 0; row < rows; row++)
        {
            var def = data[at++];
            if (def != 0)
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, expected[row].ValueKind);
                nulls++;
                continue;
            }
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
            var compressed = data.AsSpan(at + 4, length);
            at += 4 + length;
            compressedTotal += length;
            var output = new byte[FsstDecoder.MaxDecompressedLength(length)];
            var written = FsstDecoder.Decompress(table, compressed, output);
            Assert.Equal(expected[row].GetString(), Encoding.UTF8.GetString(output, 0, written));
            Assert.Equal(written, FsstDecoder.DecompressedLength(table, compressed));
        }
        Assert.Equal(data.Length, at);
        Assert.InRange(nulls, 1, rows - 1);
        Assert.True(compressedTotal < expected.Where(e => e.ValueKind == System.Text.Json.JsonValueKind.String).Sum(e => Encoding.UTF8.GetByteCount(e.GetString()!)) * 3 / 4);
    }

    [Fact]
    public void DecompressMany_LanceDBFullZipPage_TightOutputSameAsRoomyOutput()
    {
        var (layout, buffers, rows) = LanceDbFixturePages.Pages21("long21", "long").Single();
        var table = FsstSymbolTable.Parse(layout.FullZipLayout.ValueCompression.Fsst.SymbolTable.Span, Path, Column);
        // Gather the valid rows' compressed bytes behind 32-bit offsets, as a mini-block chunk holds them.
        var data = buffers[0];
        var packed = new List<byte>();
        var offsets = new List<int> { 0 };
        for (int row = 0, at = 0; row < rows; row++)
        {
            if (data[at++] != 0)
            {
                continue;
            }
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
            packed.AddRange(data.AsSpan(at + 4, length).ToArray());
            at += 4 + length;
            offsets.Add(packed.Count);
        }
        var roomy = new byte[FsstDecoder.MaxDecompressedLength(packed.Count)];
        var roomyOffsets = new int[offsets.Count];
        Assert.Equal(offsets.Count - 1, FsstDecoder.DecompressMany(table, packed.ToArray(), offsets.ToArray(), roomy, roomyOffsets, 100));
        var exact = (int)FsstDecoder.DecompressedLength(table, packed.ToArray());
        Assert.Equal(100 + exact, roomyOffsets[^1]);

        var tight = new byte[exact];
        var tightOffsets = new int[offsets.Count];
        Assert.Equal(offsets.Count - 1, FsstDecoder.DecompressMany(table, packed.ToArray(), offsets.Select(o => (ulong)o).ToArray(), tight, tightOffsets, 100));
        Assert.Equal(roomyOffsets, tightOffsets);
        Assert.Equal(roomy.AsSpan(0, exact).ToArray(), tight);

        // Too small by one byte: all values but the last decode, and say so.
        var short1 = new byte[exact - 1];
        var shortOffsets = new int[offsets.Count];
        Assert.Equal(offsets.Count - 2, FsstDecoder.DecompressMany(table, packed.ToArray(), offsets.Select(o => (uint)o).ToArray(), short1, shortOffsets));
        Assert.Equal(roomyOffsets[^2] - 100, shortOffsets[^2]);
    }

    [Fact]
    public void DecompressMany_RandomValues_RoundTripThroughTestCompressor()
    {
        var table = FsstSymbolTable.Parse(Table(s_symbols), Path, Column);
        var value = Gen.OneOf(Gen.Byte.Array[0, 40], Gen.String.Select(s => Encoding.UTF8.GetBytes("the lance column " + s + "ing ab xyz12345")));
        value.Array[0, 30].Sample(values =>
        {
            var compressed = values.Select(v => Compress(s_symbols, v)).ToArray();
            var data = compressed.SelectMany(c => c).ToArray();
            var offsets = new int[values.Length + 1];
            for (var i = 0; i < values.Length; i++)
            {
                offsets[i + 1] = offsets[i] + compressed[i].Length;
            }
            var total = values.Sum(v => v.Length);
            // Exact room (the checked path near the end) and roomy (the fast path) decode alike.
            foreach (var room in new[] { total, (int)FsstDecoder.MaxDecompressedLength(data.Length) })
            {
                var output = new byte[room];
                var outOffsets = new int[values.Length + 1];
                Assert.Equal(values.Length, FsstDecoder.DecompressMany(table, data, offsets, output, outOffsets));
                for (var i = 0; i < values.Length; i++)
                {
                    Assert.Equal(values[i], output.AsSpan(outOffsets[i], outOffsets[i + 1] - outOffsets[i]).ToArray());
                }
                Assert.Equal(total, outOffsets[^1]);
            }
        });
    }

    [Fact]
    public void Decompress_SwitchOff_CopiesTheBytes()
    {
        var table = FsstSymbolTable.Parse(Table([], compressed: false), Path, Column);
        Assert.False(table.IsCompressed);
        var output = new byte[5];
        Assert.Equal(5, FsstDecoder.Decompress(table, "\u00ff\u00feabc"u8.ToArray().AsSpan(0, 5), output));
        Assert.Equal(5L, FsstDecoder.DecompressedLength(table, new byte[5]));
    }

    [Fact]
    public void Decompress_OutputTooSmall_Throws()
    {
        var table = FsstSymbolTable.Parse(Table(s_symbols), Path, Column);
        var compressed = Compress(s_symbols, "the lance column"u8);
        Assert.False(FsstDecoder.TryDecompress(table, compressed, new byte[15], out _));
        Assert.Throws<ArgumentException>(() => FsstDecoder.Decompress(table, compressed, new byte[3]));
        Assert.True(FsstDecoder.TryDecompress(table, compressed, new byte[16], out var written));
        Assert.Equal(16, written);
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, "magic")]
    [InlineData(new byte[] { 3 }, "header")]
    public void Parse_NotATable_DataFileCorrupt(byte[] table, string word)
    {
        var e = Assert.Throws<GenevaException>(() => FsstSymbolTable.Parse(table, Path, Column));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
        Assert.Contains(word, e.Message);
        Assert.Contains(Path, e.Message);
    }

    [Fact]
    public void Parse_BadLengthOrTruncated_DataFileCorrupt()
    {
        var table = Table(s_symbols);
        table[8 + s_symbols.Length * 8] = 9;
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<GenevaException>(() => FsstSymbolTable.Parse(table, Path, Column)).Code);
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<GenevaException>(() => FsstSymbolTable.Parse(Table(s_symbols).AsSpan(0, 40), Path, Column)).Code);
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 200 })]               // a code the table lacks (tail path)
    [InlineData(new byte[] { 200, 0, 1, 2, 3, 4, 5 })]   // ... in the fast path
    [InlineData(new byte[] { 0, 1, 2, 255 })]            // ends in an escape (fast path)
    [InlineData(new byte[] { 0, 255 })]                  // ... (tail path)
    public void Decompress_CorruptData_DataFileCorrupt(byte[] compressed)
    {
        var table = FsstSymbolTable.Parse(Table(s_symbols), Path, Column);
        var e = Assert.Throws<GenevaException>(() => FsstDecoder.Decompress(table, compressed, new byte[200]));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
        Assert.Contains(Column, e.Message);
    }

    [Fact]
    public void DecompressMany_BadOffsets_DataFileCorrupt()
    {
        var table = FsstSymbolTable.Parse(Table(s_symbols), Path, Column);
        var output = new byte[100];
        var outOffsets = new int[3];
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<GenevaException>(() =>
            FsstDecoder.DecompressMany(table, new byte[] { 0, 1, 2 }, new[] { 0, 2, 1 }, output, outOffsets)).Code);
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<GenevaException>(() =>
            FsstDecoder.DecompressMany(table, new byte[] { 0, 1, 2 }, new[] { 0, 2, 4 }, output, outOffsets)).Code);
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<GenevaException>(() =>
            FsstDecoder.DecompressMany(table, new byte[] { 0, 1, 2 }, new[] { -1, 2, 3 }, output, outOffsets)).Code);
    }
}
