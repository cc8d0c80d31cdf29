using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage;
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
            ListArray list => "[" + string.Join(",", Enumerable.Range(list.ValueOffsets[i], list.GetValueLength(i)).Select(k => Canon(list.Values, k))) + "]",
            FixedSizeListArray f => "[" + string.Join(",", Enumerable.Range(i * ((FixedSizeListType)f.Data.DataType).ListSize, ((FixedSizeListType)f.Data.DataType).ListSize)
                .Select(k => ((FloatArray)f.Values).IsNull(k) ? "null" : ((double)((FloatArray)f.Values).GetValue(k)!.Value).ToString("R", CultureInfo.InvariantCulture))) + "]",
            _ => throw new InvalidOperationException(array.GetType().Name),
        };
    }

    private static string Canon(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(x => x.ValueKind switch
        {
            JsonValueKind.Null => "null",
            JsonValueKind.String => JsonSerializer.Serialize(x.GetString()),
            _ => x.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        })) + "]",
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

    [Fact]
    public void Read_FullZipFsst64BitLengths_LargeUtf8AsLanceDBScansIt()
    {
        var layout = FullZip("long21", "large");
        Assert.Equal(Compression.Fsst, layout.ValueCompression.CompressionCase);
        Assert.Equal(64u, layout.BitsPerOffset);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("long21"));
        var field = reader.Fields.Single(f => f.Name == "large");
        Assert.IsType<LargeStringArray>(reader.Read(field.Id, 0, 3));
        AssertColumn(reader, reader.Fields, "long21", "large");
    }

    [Fact]
    public void Read_FullZipListOfFsstStrings_AsLanceDBScansThem()
    {
        // list<utf8> of 300-600 B items: full-zip with repetition, FSST items, null and empty lists and null items.
        var layout = FullZip("list21", "tags");
        Assert.Equal(1u, layout.BitsRep);
        Assert.Equal(Compression.Fsst, layout.ValueCompression.CompressionCase);
        Assert.Equal([RepDefLayer.RepdefNullableItem, RepDefLayer.RepdefNullAndEmptyList], layout.Layers);
        using var reader = LanceFileReader.Open(LanceDbFixturePages.DataFile("list21"));
        AssertColumn(reader, reader.Fields, "list21", "tags");
        var expected = LanceDbFixturePages.Expected("list21")["tags"];
        Assert.Contains(expected, e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 0);
        Assert.Contains(expected, e => e.ValueKind == JsonValueKind.Array && e.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Null));
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
    [InlineData("short20", "id", "Nullable/Flat")]
    [InlineData("short20", "short", "Binary")]
    [InlineData("short20", "cat", "Dictionary")]
    [InlineData("short20", "bin", "Binary")]
    [InlineData("short20", "sparse", "Binary")]
    [InlineData("long20", "long", "Dictionary")]
    [InlineData("long20", "huge", "Dictionary")]
    [InlineData("long20", "bigbin", "Binary")]
    [InlineData("long20", "large", "Binary")]
    [InlineData("long20", "dense", "Dictionary")]
    [InlineData("vec820", "v8", "Nullable/FixedSizeList")]
    [InlineData("vec820", "v8i", "Nullable/FixedSizeList")]
    [InlineData("vec20", "v768", "Nullable/FixedSizeList")]
    [InlineData("vec20", "v768i", "Nullable/FixedSizeList")]
    [InlineData("vec20", "v768n", "Nullable/FixedSizeList")]
    public void Read_Lance20Columns_AsLanceDBScansThem(string table, string column, string encoding)
    {
        var path = LanceDbFixturePages.DataFile(table);
        using var reader = Lance20FileReader.Open(path);
        var index = reader.Fields.Where(f => f.ParentId == -1).Select(f => f.Name).ToList().IndexOf(column);
        foreach (var (_, page, _) in Lance20FileWriterTests.Pages(path, index))
        {
            var inner = page.Nullable?.NoNulls?.Values ?? page.Nullable?.SomeNulls?.Values;
            Assert.Equal(encoding, page.ArrayEncodingCase + (inner is null ? "" : "/" + inner.ArrayEncodingCase));
        }
        AssertColumn(reader, reader.Fields, table, column);
    }

    [Theory]
    [InlineData("long21")]
    [InlineData("vec21")]
    [InlineData("long20")]
    [InlineData("vec20")]
    [InlineData("list21")]
    public void Read_CorruptFullZipBytes_OnlyGenevaExceptions(string table)
    {
        var source = File.ReadAllBytes(LanceDbFixturePages.DataFile(table));
        // Everything before global buffer 0 (the schema) is page buffers: the footer points at the global buffer table.
        var globalTable = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(source.AsSpan(source.Length - 24));
        var buffersEnd = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(source.AsSpan(globalTable));
        var dir = Directory.CreateTempSubdirectory("lance-corrupt-");
        try
        {
            var random = new Random(11);
            for (var round = 0; round < 60; round++)
            {
                var bytes = (byte[])source.Clone();
                for (var k = 0; k < 1 + round % 8; k++)
                {
                    bytes[random.Next(buffersEnd)] = (byte)random.Next(256);
                }
                var path = Path.Combine(dir.FullName, $"{round}.lance");
                File.WriteAllBytes(path, bytes);
                using ILanceDataFileReader reader = table.EndsWith("21", StringComparison.Ordinal) ? LanceFileReader.Open(path) : Lance20FileReader.Open(path);
                var fields = reader is LanceFileReader r21 ? r21.Fields : ((Lance20FileReader)reader).Fields;
                foreach (var field in fields.Where(f => f.ParentId == -1))
                {
                    try
                    {
                        reader.Read(field.Id, 0, (int)reader.RowCount).Dispose();
                        reader.Read(field.Id, 3, 5).Dispose();
                    }
                    catch (GenevaException e)
                    {
                        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
                    }
                }
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("long21")]
    [InlineData("long20")]
    public void Scan_LanceDBTableWithCompressedAndLargeColumns_ValuesAsLanceDBScansThem(string table)
    {
        var dir = Directory.CreateTempSubdirectory("lance-scan-");
        try
        {
            var copy = Path.Combine(dir.FullName, table + ".lance");
            foreach (var file in Directory.GetFiles(Path.Combine(LanceDbFixturePages.Folder, table + ".lance"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(Path.Combine(LanceDbFixturePages.Folder, table + ".lance"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var genevaTable = GenevaTable.Open(copy);
            foreach (var (column, values) in LanceDbFixturePages.Expected(table))
            {
                var read = TestData.Column(genevaTable, column);
                Assert.Equal(values.Length, read.Count);
                for (var i = 0; i < values.Length; i++)
                {
                    var want = values[i].ValueKind == JsonValueKind.Null ? null : values[i].ValueKind == JsonValueKind.String ? values[i].GetString() : null;
                    var got = read[i] switch
                    {
                        null => null,
                        string text => text,
                        byte[] bytes => Convert.ToBase64String(bytes),
                        long number => number.ToString(CultureInfo.InvariantCulture),
                        var other => other.ToString(),
                    };
                    Assert.True(want == got, $"{table}.{column} row {i}");
                }
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
