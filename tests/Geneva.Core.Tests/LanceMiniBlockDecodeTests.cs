using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

/// <summary>
/// The mini-block decoders on data files LanceDB 0.31 wrote in 2.1 with its default encodings
/// (Fixtures/lance/miniblock, made by make_miniblock_specs.py; see its README): each column is compared value by
/// value with LanceDB's own scan, and each test first checks the page really is in the encoding it is meant to test.
/// </summary>
public sealed class LanceMiniBlockDecodeTests
{
    private static readonly string s_fixtures = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "miniblock");

    [Theory]
    [InlineData("ints", "bp_i8", "mini-block InlineBitpacking")]
    [InlineData("ints", "bp_u16", "mini-block InlineBitpacking")]
    [InlineData("ints", "bp_i32", "mini-block InlineBitpacking")]
    [InlineData("ints", "bp_i64", "mini-block InlineBitpacking")]
    [InlineData("ints", "neg_i32", "mini-block Flat")]
    [InlineData("ints", "bp_u32", "mini-block Flat")]
    [InlineData("ints", "ext_i64", "mini-block Rle(Flat)")]
    [InlineData("ints", "run_i32", "mini-block Rle(Flat)")]
    [InlineData("ints", "run_i64", "mini-block Rle(Flat)")]
    [InlineData("ints", "run_u8", "mini-block Rle(Flat)")]
    [InlineData("ints", "nul1_i32", "mini-block InlineBitpacking, def OutOfLineBitpacking(Flat)")]
    [InlineData("ints", "nul10_i64", "mini-block Flat, def OutOfLineBitpacking(Flat)")]
    [InlineData("ints", "nul50_u16", "mini-block Flat, def OutOfLineBitpacking(Flat)")]
    [InlineData("ints", "nulrun_i32", "mini-block InlineBitpacking, def OutOfLineBitpacking(Flat)")]
    [InlineData("floats", "f32", "mini-block Flat")]
    [InlineData("floats", "f64", "mini-block Flat")]
    [InlineData("floats", "run_f64", "mini-block Rle(Flat)")]
    [InlineData("floats", "nul_f32", "mini-block Flat, def OutOfLineBitpacking(Flat)")]
    [InlineData("floats", "b", "mini-block Flat")]
    [InlineData("floats", "nul_b", "mini-block Flat, def OutOfLineBitpacking(Flat)")]
    [InlineData("strings", "dict_s", "mini-block InlineBitpacking, dictionary Variable(Flat)")]
    [InlineData("strings", "dict_nul_s", "mini-block InlineBitpacking, dictionary Variable(Flat), def InlineBitpacking")]
    [InlineData("strings", "short_s", "mini-block Variable(Flat)")]
    [InlineData("strings", "fsst_s", "mini-block Fsst(Variable(Flat))")]
    [InlineData("strings", "fsst_nul_s", "mini-block Fsst(Variable(Flat)), def InlineBitpacking")]
    [InlineData("vectors", "vec", "mini-block FixedSizeList(Flat)")]
    [InlineData("vectors", "vec_nul", "mini-block FixedSizeList(Flat), def InlineBitpacking")]
    [InlineData("vectors", "vec_item", "mini-block FixedSizeList(Flat)")]
    [InlineData("general", "zstd_i32", "mini-block General(ByteStreamSplit(Flat))")]
    [InlineData("general", "lz4_i64", "mini-block General(ByteStreamSplit(Flat))")]
    [InlineData("general", "zstd_s", "mini-block General(Variable(Flat))")]
    public void Read_LanceDBMiniBlockColumn_EqualsLanceDBScan(string table, string column, string encoding)
    {
        var path = Path.Combine(s_fixtures, table + ".lance");
        var page = Assert.Single(LancePageEncodings.Read(path), p => p.Column == column);
        Assert.Equal(encoding, page.Encoding);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_fixtures, table + ".expected.json")));
        var values = expected.RootElement.GetProperty("columns").GetProperty(column).EnumerateArray().ToList();
        Assert.Equal(page.Rows, values.Count);

        using var reader = LanceFileReader.Open(path);
        Assert.True(reader.CanRead(page.FieldId));
        var whole = reader.Read(page.FieldId, 0, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var want = Canon(values[i], whole.Data.DataType);
            Assert.True(want == Canon(whole, i), $"{table}.{column} row {i}: {want} expected, got {Canon(whole, i)}");
        }
        // Slices that start and end mid-chunk, across chunk boundaries (chunks hold up to 4096, bitpacked ones 1024 values).
        foreach (var (start, length) in new[] { (3, values.Count - 4), (1000, Math.Min(100, values.Count - 1000)), (values.Count - 1, 1) })
        {
            if (start < 0 || length <= 0 || start + length > values.Count)
            {
                continue;
            }
            var part = reader.Read(page.FieldId, start, length);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(Canon(whole, start + i), Canon(part, i));
            }
        }
    }

    [Fact]
    public void Read_VectorWithNullItems_KeepsItemValidity()
    {
        var path = Path.Combine(s_fixtures, "vectors.lance");
        var page = Assert.Single(LancePageEncodings.Read(path), p => p.Column == "vec_item");
        using var reader = LanceFileReader.Open(path);
        var vectors = (FixedSizeListArray)reader.Read(page.FieldId, 0, (int)page.Rows);
        Assert.Equal(0, vectors.NullCount);
        Assert.True(vectors.Values.NullCount > 0);
    }

    private static string Canon(JsonElement value, IArrowType type) => LanceCanonicalValues.Canon(value, type);

    private static string Canon(IArrowArray array, int i) => LanceCanonicalValues.Canon(array, i);
}
