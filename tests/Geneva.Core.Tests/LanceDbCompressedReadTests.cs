using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using Compression = Geneva.Core.Storage.Lance.Proto.CompressiveEncoding.CompressionOneofCase;

namespace Geneva.Core.Tests;

/// <summary>
/// Our readers on the full-zip pages and 2.0 encodings LanceDB 0.31 writes by default (Fixtures/lance/fullzip),
/// value by value against LanceDB's own scan; each 2.1 test first asserts the page uses the layout it targets.
/// </summary>
public sealed class LanceDbCompressedReadTests
{
    /// <summary>A value in a form that compares exactly with the JSON of LanceDB's scan.</summary>
    private static string Canon(IArrowArray array, int i)
    {
        if (array.IsNull(i))
        {
            return "null";
        }
        return array switch
        {
            StringArray s => JsonSerializer.Serialize(s.GetString(i)),
            LargeStringArray s => JsonSerializer.Serialize(s.GetString(i)),
            BinaryArray b => JsonSerializer.Serialize(Convert.ToBase64String(b.GetBytes(i))),
            Int64Array l => JsonSerializer.Serialize(l.GetValue(i)!.Value.ToString(CultureInfo.InvariantCulture)),
            FixedSizeListArray f => "[" + string.Join(",", Enumerable.Range(i * ((FixedSizeListType)f.Data.DataType).ListSize, ((FixedSizeListType)f.Data.DataType).ListSize)
                .Select(k => ((FloatArray)f.Values).IsNull(k) ? "null" : ((double)((FloatArray)f.Values).GetValue(k)!.Value).ToString("R", CultureInfo.InvariantCulture))) + "]",
            _ => throw new InvalidOperationException(array.GetType().Name),
        };
    }

    private static string Canon(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? "null" : x.GetDouble().ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => JsonSerializer.Serialize(e.GetString()),
    };

    private static void AssertColumn(ILanceDataFileReader reader, IReadOnlyList<Geneva.Core.Storage.Lance.Proto.Field> fields, string table, string column)
    {
        var expected = LanceDbFixturePages.Expected(table)[column];
        var field = fields.Single(f => f.Name == column && f.ParentId == -1);
        var rows = (int)reader.RowCount;
        Assert.Equal(expected.Length, rows);
        var whole = reader.Read(field.Id, 0, rows);
        var nulls = 0;
        for (var i = 0; i < rows; i++)
        {
            var want = Canon(expected[i]);
            var got = Canon(whole, i);
            Assert.True(want == got, $"{table}.{column} row {i}: {Truncate(want)} expected, got {Truncate(got)}");
            nulls += want == "null" ? 1 : 0;
        }
        // Slices that start and end mid-page read the same.
        foreach (var (start, length) in new[] { (1, rows - 2), (rows / 3, rows / 3), (rows - 1, 1), (5, 0) })
        {
            var part = reader.Read(field.Id, start, length);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(Canon(whole, start + i), Canon(part, i));
            }
        }
        if (column != "id" && column != "v768n")
        {
            Assert.InRange(nulls, 1, rows - 1);
        }
    }

    private static string Truncate(string s) => s.Length > 200 ? s[..200] + "..." : s;

    private static FullZipLayout FullZip(string table, string column)
    {
        var page = LanceDbFixturePages.Pages21(table, column).Single();
        Assert.Equal(PageLayout.LayoutOneofCase.FullZipLayout, page.Layout.LayoutCase);
        return page.Layout.FullZipLayout;
    }

    [Fact]
    public void Read_FullZipFsstStrings_AsLanceDBScansThem()
    {
        var layout = FullZip("long21", "long");
        Assert.Equal(Compression.Fsst, layout.ValueCompression.CompressionCase);
        Assert.Equal(32u, layout.BitsPerOffset);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("long21"));
        AssertColumn(reader, reader.Fields, "long21", "long");
    }

    [Theory]
    [InlineData("bigbin")]  // random bytes, under FSST's 32 KiB threshold
    [InlineData("dense")]   // half null
    public void Read_FullZipVariable_AsLanceDBScansThem(string column)
    {
        var layout = FullZip("long21", column);
        Assert.Equal(Compression.Variable, layout.ValueCompression.CompressionCase);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("long21"));
        AssertColumn(reader, reader.Fields, "long21", column);
    }

    [Fact]
    public void Read_FullZipZstdOver32KiB_AsLanceDBScansThem()
    {
        var layout = FullZip("long21", "huge");
        Assert.Equal(Compression.General, layout.ValueCompression.CompressionCase);
        Assert.Equal(CompressionScheme.CompressionAlgorithmZstd, layout.ValueCompression.General.Compression.Scheme);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("long21"));
        AssertColumn(reader, reader.Fields, "long21", "huge");
        Assert.Contains(LanceDbFixturePages.Expected("long21")["huge"], v => v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 32 * 1024);
    }

    [Theory]
    [InlineData("v768", true)]
    [InlineData("v768i", true)]
    [InlineData("v768n", false)]
    public void Read_FullZipVectors_AsLanceDBScansThem(string column, bool itemValidity)
    {
        var layout = FullZip("vec21", column);
        Assert.Equal(Compression.FixedSizeList, layout.ValueCompression.CompressionCase);
        Assert.Equal(itemValidity, layout.ValueCompression.FixedSizeList.HasValidity);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("vec21"));
        AssertColumn(reader, reader.Fields, "vec21", column);
    }

    [Theory]
    [InlineData("short20", "id")]
    [InlineData("short20", "short")]
    [InlineData("short20", "cat")]
    [InlineData("short20", "bin")]
    [InlineData("short20", "sparse")]
    [InlineData("long20", "long")]
    [InlineData("long20", "huge")]
    [InlineData("long20", "bigbin")]
    [InlineData("long20", "dense")]
    [InlineData("vec820", "v8")]
    [InlineData("vec820", "v8i")]
    [InlineData("vec20", "v768")]
    [InlineData("vec20", "v768i")]
    [InlineData("vec20", "v768n")]
    public void Read_Lance20Columns_AsLanceDBScansThem(string table, string column)
    {
        using var reader = Lance20FileReader.Open(LanceDbFixturePages.DataFile(table));
        AssertColumn(reader, reader.Fields, table, column);
    }
}
