using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Tests;

/// <summary>
/// list&lt;T&gt; columns LanceDB 0.31 writes in 2.1 mini-block pages with repetition levels (Fixtures/lance/lists,
/// make_list_fixtures.mjs), read value by value against LanceDB's own scan; each test first asserts the column
/// really is in such pages, so it fails if LanceDB changes its choice.
/// </summary>
public sealed class LanceListMiniBlockTests
{
    private static readonly string s_folder = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "lists");

    private static string DataFile(string table) => Path.Combine(s_folder, table + ".lance");

    private static JsonElement[] Expected(string table, string column)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_folder, table + ".json")));
        return doc.RootElement.GetProperty(column).EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>The column's 2.1 page layouts as stored (unchecked).</summary>
    private static List<(PageLayout Layout, int Rows)> Pages(string table, string column)
    {
        using var file = new LanceFileSource(DataFile(table));
        var tail = LanceFileTail.Read(file, LanceFileTail.ReadFooter(file));
        var index = tail.Fields.Where(f => f.ParentId == -1).Select(f => f.Name).ToList().IndexOf(column);
        var (pages, _) = LanceColumnPages.Read(file, column, tail.ReadColumnMetadata(index, column),
            (encoding, _) => LanceColumnPages.ParseEncoding(file, column, encoding, "lance.encodings21.PageLayout", PageLayout.Parser, ""),
            (_, _) => { });
        return pages.Select(p => (p.Layout, p.Rows)).ToList();
    }

    private static string Item(IArrowArray items, int k)
    {
        if (items.IsNull(k))
        {
            return "null";
        }
        return items switch
        {
            DoubleArray d => d.GetValue(k)!.Value.ToString("R", CultureInfo.InvariantCulture),
            FloatArray f => ((double)f.GetValue(k)!.Value).ToString("R", CultureInfo.InvariantCulture),
            Int32Array n => ((double)n.GetValue(k)!.Value).ToString("R", CultureInfo.InvariantCulture),
            Int64Array l => JsonSerializer.Serialize(l.GetValue(k)!.Value.ToString(CultureInfo.InvariantCulture)),
            StringArray s => JsonSerializer.Serialize(s.GetString(k)),
            _ => throw new InvalidOperationException(items.GetType().Name),
        };
    }

    private static string Canon(IArrowArray array, int i)
    {
        if (array.IsNull(i))
        {
            return "null";
        }
        return array switch
        {
            ListArray list => "[" + string.Join(",", Enumerable.Range(list.ValueOffsets[i], list.GetValueLength(i)).Select(k => Item(list.Values, k))) + "]",
            DoubleArray d => d.GetValue(i)!.Value.ToString("R", CultureInfo.InvariantCulture),
            Int64Array l => JsonSerializer.Serialize(l.GetValue(i)!.Value.ToString(CultureInfo.InvariantCulture)),
            StringArray s => JsonSerializer.Serialize(s.GetString(i)),
            _ => throw new InvalidOperationException(array.GetType().Name),
        };
    }

    private static string Canon(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Number => e.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Canon)) + "]",
        _ => JsonSerializer.Serialize(e.GetString()),
    };

    /// <summary>Asserts every page of the column is a mini-block list page (repetition levels and index) and returns them.</summary>
    private static List<(PageLayout Layout, int Rows)> AssertMiniBlockListPages(string table, string column)
    {
        var pages = Pages(table, column);
        Assert.NotEmpty(pages);
        foreach (var (layout, _) in pages)
        {
            Assert.Equal(PageLayout.LayoutOneofCase.MiniBlockLayout, layout.LayoutCase);
            Assert.NotNull(layout.MiniBlockLayout.RepCompression);
            Assert.Equal(2, layout.MiniBlockLayout.Layers.Count);
            Assert.Equal(1u, layout.MiniBlockLayout.RepetitionIndexDepth);
        }
        return pages;
    }

    private static void AssertColumn(string table, string column)
    {
        var expected = Expected(table, column);
        using var reader = LanceFileReader.Open(DataFile(table));
        var id = reader.Fields.Single(f => f.Name == column && f.ParentId == -1).Id;
        var rows = (int)reader.RowCount;
        Assert.Equal(expected.Length, rows);
        var whole = reader.Read(id, 0, rows);
        for (var i = 0; i < rows; i++)
        {
            var want = Canon(expected[i]);
            var got = Canon(whole, i);
            Assert.True(want == got, $"{table}.{column} row {i}: {want} expected, got {got}");
        }
        // Row ranges that start and end mid-page and mid-chunk read the same.
        foreach (var (start, length) in new[] { (1, rows - 2), (rows / 3, rows / 3), (rows - 1, 1), (5, 0), (74, 3), (75, 1), (76, 150), (rows / 2, rows - rows / 2) })
        {
            var part = reader.Read(id, start, length);
            Assert.Equal(length, part.Length);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(Canon(expected[start + i]), Canon(part, i));
            }
        }
        // Row by row, so every row is read once as the first and last of a range.
        for (var i = 0; i < rows; i++)
        {
            Assert.Equal(Canon(expected[i]), Canon(reader.Read(id, i, 1), 0));
        }
    }

    [Theory]
    [InlineData("f64")]
    [InlineData("i32")]
    [InlineData("i64")]
    [InlineData("f32")]
    [InlineData("str")]
    [InlineData("allvalid")]
    public void Read_ListMiniBlockColumn_AsLanceDBScansIt(string column)
    {
        var pages = AssertMiniBlockListPages("lists", column);
        Assert.True(pages.Count > 1, $"{column} has {pages.Count} page(s)");
        AssertColumn("lists", column);
    }

    [Fact]
    public void Read_ListMiniBlockFixture_HoldsNullListsEmptyListsNullItemsAndLongLists()
    {
        var f64 = Expected("lists", "f64");
        Assert.Contains(f64, e => e.ValueKind == JsonValueKind.Null);
        Assert.Contains(f64, e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 0);
        Assert.Contains(f64, e => e.ValueKind == JsonValueKind.Array && e.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Null));
        // Longer than a chunk of doubles, so some list spans a chunk boundary.
        Assert.Contains(f64, e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 150);
        var layers = AssertMiniBlockListPages("lists", "f64").Select(p => p.Layout.MiniBlockLayout.Layers[1]).ToHashSet();
        Assert.Contains(RepDefLayer.RepdefNullAndEmptyList, layers);
        Assert.Contains(RepDefLayer.RepdefAllValidList, AssertMiniBlockListPages("lists", "allvalid").Select(p => p.Layout.MiniBlockLayout.Layers[1]));
    }

    [Fact]
    public void Read_ListColumnOfMiniBlockAndFullZipPages_AsLanceDBScansIt()
    {
        // One 300-byte item in the second page makes LanceDB write that page full-zip; a read across pages mixes both.
        var layouts = Pages("lists", "mixed").Select(p => p.Layout.LayoutCase).ToArray();
        Assert.Equal(
            [PageLayout.LayoutOneofCase.MiniBlockLayout, PageLayout.LayoutOneofCase.FullZipLayout, PageLayout.LayoutOneofCase.MiniBlockLayout, PageLayout.LayoutOneofCase.MiniBlockLayout],
            layouts);
        AssertColumn("lists", "mixed");
    }

    [Fact]
    public void ListFixture_Encodings_AreWhatTheTestsTarget()
    {
        // The items go through the flat mini-block value decoders: flat, bitpacked, dictionary, variable.
        static MiniBlockLayout First(string column) => Pages("lists", column)[0].Layout.MiniBlockLayout;
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.Flat, First("f64").ValueCompression.CompressionCase);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.InlineBitpacking, First("i64").ValueCompression.CompressionCase);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.InlineBitpacking, First("allvalid").ValueCompression.CompressionCase);
        Assert.NotNull(First("str").Dictionary);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.Variable, First("mixed").ValueCompression.CompressionCase);
        // Levels: bitpacked inline, and out of line (one width for the page).
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.InlineBitpacking, First("f64").RepCompression.CompressionCase);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.InlineBitpacking, First("f64").DefCompression.CompressionCase);
        Assert.Equal(CompressiveEncoding.CompressionOneofCase.OutOfLineBitpacking, First("allvalid").RepCompression.CompressionCase);
        Assert.Null(First("allvalid").DefCompression);
        Assert.Equal([RepDefLayer.RepdefNullableItem, RepDefLayer.RepdefEmptyableList], First("f32").Layers);
        Assert.Equal([RepDefLayer.RepdefAllValidItem, RepDefLayer.RepdefNullAndEmptyList], First("i64").Layers);
    }

    [Fact]
    public void Read_AllNullListPage_ReadsNullLists()
    {
        // "pad" (see make_list_fixtures.mjs) is a list column of null rows only: LanceDB's all-null layout.
        var page = Assert.Single(Pages("lists", "pad"));
        Assert.Equal(PageLayout.LayoutOneofCase.AllNullLayout, page.Layout.LayoutCase);
        Assert.All(Expected("lists", "pad"), e => Assert.Equal(JsonValueKind.Null, e.ValueKind));
        AssertColumn("lists", "pad");
    }

    [Theory]
    [InlineData("vec")]
    [InlineData("id")]
    [InlineData("name")]
    public void Read_PlainJsRowsTable_AsLanceDBScansIt(string column)
    {
        if (column == "vec")
        {
            AssertMiniBlockListPages("plain", column);
        }
        AssertColumn("plain", column);
    }

    [Theory]
    [InlineData("lists", 11)]
    [InlineData("lists", 12)]
    [InlineData("plain", 13)]
    public void Read_CorruptListPageBytes_OnlyDataFileCorrupt(string table, int seed)
    {
        var source = File.ReadAllBytes(DataFile(table));
        // Everything before the column metadata is page buffers (the footer says where that starts).
        var buffersEnd = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(source.AsSpan(source.Length - 40));
        var dir = Directory.CreateTempSubdirectory("lance-list-corrupt-");
        try
        {
            var random = new Random(seed);
            var failures = 0;
            for (var round = 0; round < 120; round++)
            {
                var bytes = (byte[])source.Clone();
                for (var k = 0; k < 1 + round % 8; k++)
                {
                    bytes[random.Next(buffersEnd)] = (byte)random.Next(256);
                }
                var path = Path.Combine(dir.FullName, $"{round}.lance");
                File.WriteAllBytes(path, bytes);
                LanceFileReader reader;
                try
                {
                    reader = LanceFileReader.Open(path);
                }
                catch (GenevaException e)
                {
                    // A flip in the schema (a global buffer, also before the column metadata).
                    Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
                    continue;
                }
                using var open = reader;
                foreach (var field in reader.Fields.Where(f => f.ParentId == -1))
                {
                    try
                    {
                        reader.Read(field.Id, 0, (int)reader.RowCount);
                        reader.Read(field.Id, 70, 100);
                        reader.Read(field.Id, (int)reader.RowCount - 3, 3);
                    }
                    catch (GenevaException e)
                    {
                        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
                        failures++;
                    }
                }
            }
            Assert.True(failures > 0, "no flip was noticed");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("index")]
    [InlineData("levels")]
    [InlineData("repetition")]
    public void Read_BrokenListStructure_IsDataFileCorrupt(string what)
    {
        var source = File.ReadAllBytes(DataFile("lists"));
        using var original = new LanceFileSource(DataFile("lists"));
        var tail = LanceFileTail.Read(original, LanceFileTail.ReadFooter(original));
        var index = tail.Fields.Where(f => f.ParentId == -1).Select(f => f.Name).ToList().IndexOf("f64");
        var (pages, _) = LanceColumnPages.Read(original, "f64", tail.ReadColumnMetadata(index, "f64"),
            (encoding, _) => LanceColumnPages.ParseEncoding(original, "f64", encoding, "lance.encodings21.PageLayout", PageLayout.Parser, ""),
            (_, _) => { });
        var page = pages[1];
        var data = (int)page.BufferOffsets[1];
        switch (what)
        {
            case "index":
                // The first chunk claims more rows end in it than the page holds.
                var repIndex = (int)page.BufferOffsets[^1];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(source.AsSpan(repIndex), 1_000_000);
                break;
            case "levels":
                // The first chunk claims 65535 levels.
                source[data] = 0xFF;
                source[data + 1] = 0xFF;
                break;
            default:
                // The first chunk claims no repetition bytes.
                source[data + 2] = 0;
                source[data + 3] = 0;
                break;
        }
        var dir = Directory.CreateTempSubdirectory("lance-list-broken-");
        try
        {
            var path = Path.Combine(dir.FullName, "broken.lance");
            File.WriteAllBytes(path, source);
            using var reader = LanceFileReader.Open(path);
            var id = reader.Fields.Single(f => f.Name == "f64").Id;
            var e = Assert.Throws<GenevaException>(() => reader.Read(id, page.FirstRow, page.Rows));
            Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
            Assert.Contains("f64", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
