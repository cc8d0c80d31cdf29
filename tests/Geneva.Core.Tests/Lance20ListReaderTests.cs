using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Tests;

/// <summary>
/// <see cref="Lance20FileReader"/> on the list&lt;T&gt; columns LanceDB 0.31 writes in 2.0 files (Fixtures/lance/lists20):
/// an offsets column of <c>ArrayEncoding.List</c> pages and an items column, read value by value against LanceDB's
/// own scan, and on damaged copies of them.
/// </summary>
public sealed class Lance20ListReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lance20list-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>A value in a form that compares exactly with the JSON of LanceDB's scan.</summary>
    private static string Canon(IArrowArray array, int i)
    {
        if (array.IsNull(i))
        {
            return "null";
        }
        return array switch
        {
            ListArray list => "[" + string.Join(",", Enumerable.Range(list.ValueOffsets[i], list.GetValueLength(i)).Select(k => Canon(list.Values, k))) + "]",
            StringArray s => JsonSerializer.Serialize(s.GetString(i)),
            Int64Array l => JsonSerializer.Serialize(l.GetValue(i)!.Value.ToString(CultureInfo.InvariantCulture)),
            Int32Array n => ((double)n.GetValue(i)!.Value).ToString("R", CultureInfo.InvariantCulture),
            DoubleArray d => d.GetValue(i)!.Value.ToString("R", CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException(array.GetType().Name),
        };
    }

    private static string Canon(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Canon)) + "]",
        JsonValueKind.String => JsonSerializer.Serialize(e.GetString()),
        _ => e.GetDouble().ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Truncate(string s) => s.Length > 200 ? s[..200] + "..." : s;

    /// <summary>Every row as LanceDB scans it, and row ranges starting and ending mid-page as the whole read says.</summary>
    private static void AssertColumn(string path, string table, string column)
    {
        var expected = Lists20Fixtures.Expected(table)[column];
        using var reader = Lance20FileReader.Open(path);
        var field = reader.Fields.Single(f => f.Name == column && f.ParentId == -1);
        Assert.True(reader.CanRead(field.Id));
        var rows = (int)reader.RowCount;
        Assert.Equal(expected.Length, rows);
        var whole = reader.Read(field.Id, 0, rows);
        Assert.IsType<ListType>(whole.Data.DataType);
        for (var i = 0; i < rows; i++)
        {
            var want = Canon(expected[i]);
            var got = Canon(whole, i);
            Assert.True(want == got, $"{table}.{column} row {i}: {Truncate(want)} expected, got {Truncate(got)}");
        }
        var random = new Random(column.Length);
        var ranges = new List<(int, int)> { (1, rows - 2), (rows / 3, rows / 3), (rows - 1, 1), (5, 0), (0, 1) };
        for (var k = 0; k < 20; k++)
        {
            var start = random.Next(rows);
            ranges.Add((start, random.Next(rows - start + 1)));
        }
        foreach (var (start, length) in ranges)
        {
            var part = reader.Read(field.Id, start, length);
            Assert.Equal(length, part.Length);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(Canon(whole, start + i), Canon(part, i));
            }
        }
    }

    [Theory]
    [InlineData("plain20", "nums", "double")]
    [InlineData("plain20", "tags", "utf8")]
    [InlineData("typed20", "i32", "int32")]
    [InlineData("typed20", "i64", "int64")]
    [InlineData("typed20", "f64", "double")]
    [InlineData("typed20", "str", "utf8")]
    [InlineData("typed20", "cat", "utf8")]
    [InlineData("typed20", "allnull", "int32")]
    [InlineData("typed20", "empty", "double")]
    [InlineData("pages20", "i32", "int32")]
    [InlineData("pages20", "text", "utf8")]
    public void Read_LanceDBMadeListColumn_ValuesAsLanceDBScansThem(string table, string column, string item)
    {
        var path = Lists20Fixtures.DataFile(table);
        var fields = Lists20Fixtures.Fields(path);
        var index = System.Array.FindIndex(fields, f => f.Name == column && f.ParentId == -1);
        // Two columns in the file: the list's offsets (List around u64 flat entries), then the items.
        Assert.Equal("list", fields[index].LogicalType);
        Assert.Equal(fields[index].Id, fields[index + 1].ParentId);
        foreach (var (encoding, _) in Lists20Fixtures.Pages(path, index))
        {
            Assert.Equal(V20.ArrayEncoding.ArrayEncodingOneofCase.List, encoding.ArrayEncodingCase);
            Assert.Equal(64UL, encoding.List.Offsets.Nullable.NoNulls.Values.Flat.BitsPerValue);
            Assert.True(encoding.List.NullOffsetAdjustment > encoding.List.NumItems);
        }
        using (var reader = Lance20FileReader.Open(path))
        {
            var type = (ListType)reader.Read(fields[index].Id, 0, 0).Data.DataType;
            Assert.Equal(item, type.ValueDataType.Name);
        }
        AssertColumn(path, table, column);
    }

    [Fact]
    public void Open_PagesFixture_TextItemsSpanTwoPagesUnderOneOffsetsPage()
    {
        // What makes pages20 the several-pages case: lists cross the items page boundary.
        var path = Lists20Fixtures.DataFile("pages20");
        var fields = Lists20Fixtures.Fields(path);
        var index = System.Array.FindIndex(fields, f => f.Name == "text");
        Assert.Single(Lists20Fixtures.Pages(path, index));
        var items = Lists20Fixtures.Pages(path, index + 1);
        Assert.Equal(2, items.Count);
        Assert.All(items, p => Assert.Equal(V20.ArrayEncoding.ArrayEncodingOneofCase.Binary, (p.Encoding.Nullable?.NoNulls?.Values ?? p.Encoding).ArrayEncodingCase));
    }

    [Fact]
    public void Read_TypedFixture_HasNullListsEmptyListsAndNullItems()
    {
        // The fixture holds the cases it is meant to: otherwise the value test above proves less.
        var expected = Lists20Fixtures.Expected("typed20");
        foreach (var column in new[] { "i32", "i64", "f64", "str", "cat" })
        {
            var values = expected[column];
            Assert.Contains(values, v => v.ValueKind == JsonValueKind.Null);
            Assert.Contains(values, v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0);
            Assert.Contains(values, v => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Null));
        }
    }

    [Theory]
    [InlineData("str", "Binary")]
    [InlineData("cat", "Dictionary")]
    [InlineData("f64", "Flat")]
    public void Open_TypedFixture_ItemsInTheEncodingsLanceDBChose(string column, string items)
    {
        // The items column reuses the 2.0 leaf decoding: binary, dictionary and flat (with validity for null items).
        var path = Lists20Fixtures.DataFile("typed20");
        var page = Lists20Fixtures.Pages(path, Column(path, column) + 1).Single().Encoding;
        var inner = page.Nullable?.NoNulls?.Values ?? page.Nullable?.SomeNulls?.Values ?? page;
        Assert.Equal(items, inner.ArrayEncodingCase.ToString());
    }

    [Fact]
    public void Scan_LanceDBTableWithListColumns_ValuesAsLanceDBScansThem()
    {
        var copy = Path.Combine(_dir.FullName, "typed20.lance");
        var from = Path.Combine(Lists20Fixtures.Folder, "typed20.lance");
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var table = GenevaTable.Open(copy);
        foreach (var (column, values) in Lists20Fixtures.Expected("typed20"))
        {
            var row = 0;
            foreach (var batch in table.Scan([column]))
            {
                for (var i = 0; i < batch.Length; i++, row++)
                {
                    Assert.Equal(Canon(values[row]), Canon(batch.Column(0), i));
                }
            }
            Assert.Equal(values.Length, row);
        }
    }

    /// <summary>Rewrites the file's schema and column metadata; the page buffers stay where they are (<paramref name="bytes"/> may change them).</summary>
    private string Rewrite(string source, Action<byte[], FileDescriptor, ColumnMetadata[]> change)
    {
        var bytes = File.ReadAllBytes(source);
        var footer = bytes.AsSpan(bytes.Length - 40);
        var columnTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(footer[8..]);
        var globalTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(footer[16..]);
        var columns = (int)BinaryPrimitives.ReadUInt32LittleEndian(footer[28..]);
        var schemaAt = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(globalTable));
        var schemaLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(globalTable + 8));
        var descriptor = FileDescriptor.Parser.ParseFrom(bytes.AsSpan(schemaAt, schemaLength));
        var metadata = Enumerable.Range(0, columns).Select(c => ColumnMetadata.Parser.ParseFrom(bytes.AsSpan(
            (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(columnTable + 16 * c)),
            (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(columnTable + 16 * c + 8))))).ToArray();
        change(bytes, descriptor, metadata);
        using var stream = new MemoryStream();
        var output = new LanceFileOutput(stream);
        output.Write(bytes.AsSpan(0, schemaAt));
        LanceFileTail.Write(output, descriptor.Schema.Fields, (long)descriptor.Length, metadata, 0, 3);
        var path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.lance");
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }

    private static V20.ArrayEncoding Encoding(ColumnMetadata.Types.Page page) =>
        Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom(page.Encoding.Direct.Encoding).Unpack<V20.ArrayEncoding>();

    private static void SetEncoding(ColumnMetadata.Types.Page page, V20.ArrayEncoding encoding) =>
        page.Encoding = Lance20Encodings.Direct(Google.Protobuf.WellKnownTypes.Any.Pack(encoding, ""));

    private static int Column(string path, string name) => System.Array.FindIndex(Lists20Fixtures.Fields(path), f => f.Name == name && f.ParentId == -1);

    [Theory]
    [InlineData("i32", 1)]
    [InlineData("str", 1234)]
    [InlineData("f64", 2999)]
    public void Read_OffsetsInTwoPages_ValuesAsLanceDBScansThem(string column, int split)
    {
        // LanceDB starts a new offsets page only past 8 MiB of offsets (2M rows, more than it puts in a file), so
        // the LanceDB-made page is cut in two here as its writer cuts them: entries restart at 0 in each page, each
        // page with its own item count and null_offset_adjustment.
        var source = Lists20Fixtures.DataFile("typed20");
        var index = Column(source, column);
        var path = Rewrite(source, (bytes, _, metadata) =>
        {
            var page = metadata[index].Pages.Single();
            var list = Encoding(page).List;
            var rows = (int)page.Length;
            var at = (int)page.BufferOffsets[0];
            var ends = new ulong[rows];
            var valid = new bool[rows];
            for (var r = 0; r < rows; r++)
            {
                var entry = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8 * r));
                valid[r] = entry < list.NullOffsetAdjustment;
                ends[r] = valid[r] ? entry : entry - list.NullOffsetAdjustment;
            }
            var splitItems = ends[split - 1];
            var pages = new[] { (From: 0, To: split, Base: 0UL, Items: splitItems), (From: split, To: rows, Base: splitItems, Items: ends[rows - 1] - splitItems) };
            metadata[index].Pages.Clear();
            foreach (var (from, to, itemBase, items) in pages)
            {
                for (var r = from; r < to; r++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 8 * r), ends[r] - itemBase + (valid[r] ? 0 : items + 1));
                }
                var half = page.Clone();
                half.BufferOffsets[0] = (ulong)(at + 8 * from);
                half.BufferSizes[0] = (ulong)(8 * (to - from));
                half.Length = (ulong)(to - from);
                var encoding = Encoding(page);
                encoding.List.NumItems = items;
                encoding.List.NullOffsetAdjustment = items + 1;
                SetEncoding(half, encoding);
                metadata[index].Pages.Add(half);
            }
        });
        Assert.Equal(2, Lists20Fixtures.Pages(path, index).Count);
        AssertColumn(path, "typed20", column);
    }

    private static GenevaException ReadFails(string path, string column)
    {
        return Assert.Throws<GenevaException>(() =>
        {
            using var reader = Lance20FileReader.Open(path);
            var field = reader.Fields.Single(f => f.Name == column && f.ParentId == -1);
            reader.Read(field.Id, 0, (int)reader.RowCount);
        });
    }

    [Fact]
    public void Read_EntryPastThePagesItems_DataFileCorruptNamingTheColumn()
    {
        var source = Lists20Fixtures.DataFile("typed20");
        var index = Column(source, "str");
        var path = Rewrite(source, (bytes, _, metadata) =>
        {
            var page = metadata[index].Pages.Single();
            var list = Encoding(page).List;
            // A null list ending past the page's items.
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)page.BufferOffsets[0] + 8 * 10), 2 * list.NullOffsetAdjustment + 5);
        });
        var error = ReadFails(path, "str");
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("column 'str'", error.Message);
    }

    [Fact]
    public void Read_EntriesGoingBack_DataFileCorrupt()
    {
        var source = Lists20Fixtures.DataFile("typed20");
        var index = Column(source, "i64");
        var path = Rewrite(source, (bytes, _, metadata) =>
        {
            var at = (int)metadata[index].Pages.Single().BufferOffsets[0];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 8 * 100), 0);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 8 * 101), 1);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, ReadFails(path, "i64").Code);
    }

    [Theory]
    [InlineData(1, 0)]    // num_items one more than the items column holds
    [InlineData(0, -1)]   // null_offset_adjustment equal to num_items
    public void Open_ListPageCountsWrong_DataFileCorrupt(int moreItems, int adjustment)
    {
        var source = Lists20Fixtures.DataFile("typed20");
        var index = Column(source, "f64");
        var path = Rewrite(source, (_, _, metadata) =>
        {
            var page = metadata[index].Pages.Single();
            var encoding = Encoding(page);
            encoding.List.NumItems += (ulong)moreItems;
            encoding.List.NullOffsetAdjustment = encoding.List.NumItems + 1 + (ulong)(long)adjustment;
            SetEncoding(page, encoding);
        });
        var error = Assert.Throws<GenevaException>(() => Lance20FileReader.Open(path).Dispose());
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("column 'f64'", error.Message);
    }

    [Fact]
    public void Open_ListOfStructs_OpensAndOnlyThatColumnThrows()
    {
        var source = Lists20Fixtures.DataFile("typed20");
        var index = Column(source, "i32");
        var path = Rewrite(source, (_, descriptor, _) => descriptor.Schema.Fields[index + 1].LogicalType = "struct");
        using var reader = Lance20FileReader.Open(path);
        var fields = reader.Fields.Where(f => f.ParentId == -1).ToList();
        Assert.False(reader.CanRead(fields.Single(f => f.Name == "i32").Id));
        Assert.True(reader.CanRead(fields.Single(f => f.Name == "str").Id));
        var error = Assert.ThrowsAny<GenevaException>(() => reader.Read(fields.Single(f => f.Name == "i32").Id, 0, 1));
        Assert.Contains("list<struct>", error.Message);
        Assert.Equal(3000, reader.Read(fields.Single(f => f.Name == "str").Id, 0, 3000).Length);
    }

    [Theory]
    [InlineData("typed20")]
    [InlineData("plain20")]
    public void Read_CorruptPageBytes_OnlyDataFileCorrupt(string table)
    {
        var source = File.ReadAllBytes(Lists20Fixtures.DataFile(table));
        // Everything before global buffer 0 (the schema) is page buffers.
        var globalTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(source.AsSpan(source.Length - 24));
        var buffersEnd = (int)BinaryPrimitives.ReadUInt64LittleEndian(source.AsSpan(globalTable));
        var random = new Random(20);
        for (var round = 0; round < 60; round++)
        {
            var bytes = (byte[])source.Clone();
            for (var k = 0; k < 1 + round % 8; k++)
            {
                bytes[random.Next(buffersEnd)] = (byte)random.Next(256);
            }
            var path = Path.Combine(_dir.FullName, $"{round}.lance");
            File.WriteAllBytes(path, bytes);
            using var reader = Lance20FileReader.Open(path);
            foreach (var field in reader.Fields.Where(f => f.ParentId == -1))
            {
                foreach (var (start, length) in new[] { (0, (int)reader.RowCount), (3, 5), ((int)reader.RowCount / 2, 17) })
                {
                    try
                    {
                        reader.Read(field.Id, start, length);
                    }
                    catch (GenevaException e)
                    {
                        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
                    }
                }
            }
        }
    }

    [Fact]
    public void Read_CorruptListOffsets_OnlyDataFileCorrupt()
    {
        var sourcePath = Lists20Fixtures.DataFile("typed20");
        var source = File.ReadAllBytes(sourcePath);
        var fields = Lists20Fixtures.Fields(sourcePath);
        // The byte ranges of every list's offsets entries: flips there give ends going back, past the page's
        // items, or null markers out of range.
        var ranges = new List<(int At, int Size)>();
        using (var file = new LanceFileSource(sourcePath))
        {
            var tail = LanceFileTail.Read(file, LanceFileTail.ReadFooter(file));
            for (var c = 0; c < fields.Length; c++)
            {
                if (fields[c].LogicalType == "list")
                {
                    var page = tail.ReadColumnMetadata(c, fields[c].Name).Pages.Single();
                    ranges.Add(((int)page.BufferOffsets[0], (int)page.BufferSizes[0]));
                }
            }
        }
        var random = new Random(2020);
        var corrupt = 0;
        for (var round = 0; round < 80; round++)
        {
            var bytes = (byte[])source.Clone();
            var (at, size) = ranges[round % ranges.Count];
            for (var k = 0; k < 1 + round % 4; k++)
            {
                bytes[at + random.Next(size)] = (byte)random.Next(256);
            }
            var path = Path.Combine(_dir.FullName, $"{round}.lance");
            File.WriteAllBytes(path, bytes);
            using var reader = Lance20FileReader.Open(path);
            foreach (var field in reader.Fields.Where(f => f.LogicalType == "list"))
            {
                foreach (var (start, length) in new[] { (0, 3000), (1, 2998), (1500, 700) })
                {
                    try
                    {
                        reader.Read(field.Id, start, length);
                    }
                    catch (GenevaException e)
                    {
                        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
                        corrupt++;
                    }
                }
            }
        }
        // Most flips land in a high byte of an entry: the reader notices them rather than reading garbage.
        Assert.True(corrupt > 40, $"{corrupt} reads failed as corrupt");
    }
}
