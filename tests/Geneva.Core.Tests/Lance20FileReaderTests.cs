using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Tests;

/// <summary>
/// <see cref="Lance20FileReader"/> on 2.0 datasets LanceDB 0.31 made itself (Fixtures/lance/types20.lance and
/// dict20.lance, from the specs types20.json and dict20.json), and on bad, truncated and foreign files.
/// </summary>
public sealed class Lance20FileReaderTests() : LanceDataFileReaderContractTests("lance20file-bad-")
{
    private static readonly string s_fixtures = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance");

    /// <summary>The data files of the dataset's latest version, fragment by fragment, with their manifest entries.</summary>
    private static List<(Manifest Manifest, DataFile File, long Rows)> DataFiles(string dataset)
    {
        var manifest = LanceManifestFile.Read(LanceVersions.ManifestPath(dataset, LanceVersions.Latest(dataset))).Manifest;
        return manifest.Fragments.SelectMany(f => f.Files.Select(d => (manifest, d, (long)f.PhysicalRows))).ToList();
    }

    [Theory]
    [InlineData("types20")]
    [InlineData("dict20")]
    public void Read_LanceDBMadeDataset_ValuesAsTheSpecLanceDBWrote(string table)
    {
        using var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_fixtures, table + ".json")));
        var expected = spec.RootElement.GetProperty("fragments").EnumerateArray().SelectMany(f => f.EnumerateArray()).ToList();
        var dataset = Path.Combine(s_fixtures, table + ".lance");
        var row = 0;
        foreach (var (manifest, file, rows) in DataFiles(dataset))
        {
            // LanceDB records a 2.0 file as 2.0 in the manifest; its footer says 0.3.
            Assert.Equal((2u, 0u), (file.FileMajorVersion, file.FileMinorVersion));
            Assert.Equal("2.0", manifest.DataFormat.Version);
            var path = Path.Combine(dataset, "data", file.Path);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal((ushort)3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(bytes.Length - 6)));
            using var reader = Lance20FileReader.Open(path);
            Assert.Equal(rows, reader.RowCount);
            Assert.Equal(manifest.Fields.Select(f => f.Id), file.Fields);
            foreach (var field in manifest.Fields)
            {
                var arrow = LanceSchema.ToArrow(manifest.Fields, field);
                var whole = reader.Read(field.Id, 0, (int)rows);
                Assert.Equal(arrow.DataType.TypeId, whole.Data.DataType.TypeId);
                for (var i = 0; i < rows; i++)
                {
                    var want = expected[row + i].TryGetProperty(field.Name, out var value) ? Canon(value, arrow.DataType) : "null";
                    Assert.True(want == Canon(whole, i), $"{table} {field.Name} row {row + i}: {want} expected, got {Canon(whole, i)}");
                }
                // A slice starting mid-page reads the same as the whole.
                if (rows > 3)
                {
                    var part = reader.Read(field.Id, 3, (int)rows - 4);
                    for (var i = 0; i < part.Length; i++)
                    {
                        Assert.Equal(Canon(whole, i + 3), Canon(part, i));
                    }
                }
            }
            row += (int)rows;
        }
        Assert.Equal(expected.Count, row);
    }

    [Fact]
    public void Open_LanceDBDictionaryFixture_HasTheDictionaryPagesItReads()
    {
        var (_, file, _) = DataFiles(Path.Combine(s_fixtures, "dict20.lance")).Single();
        var path = Path.Combine(s_fixtures, "dict20.lance", "data", file.Path);
        // 'cat' has four values and nulls; 'none' is all null: LanceDB keeps a one-item dictionary whose item is null.
        Assert.Equal(V20.ArrayEncoding.ArrayEncodingOneofCase.Dictionary, Lance20FileWriterTests.Pages(path, 1).Single().Encoding.ArrayEncodingCase);
        var none = Lance20FileWriterTests.Pages(path, 2).Single().Encoding;
        Assert.Equal(1U, none.Dictionary.NumDictionaryItems);
    }

    [Fact]
    public void Rewrite_LanceDBMadeFile_SamePagesAndBuffersAsLanceDB()
    {
        var dataset = Path.Combine(s_fixtures, "types20.lance");
        foreach (var (manifest, file, rows) in DataFiles(dataset))
        {
            var source = Path.Combine(dataset, "data", file.Path);
            // vec_item holds null items, which Geneva's writers refuse (whole rows only).
            var fields = manifest.Fields.Where(f => f.Name != "vec_item").ToList();
            var schema = new Apache.Arrow.Schema(fields.Select(f => LanceSchema.ToArrow(manifest.Fields, f)), null);
            var ours = Path.Combine(Dir, file.Path);
            using (var reader = Lance20FileReader.Open(source))
            using (var stream = File.Create(ours))
            using (var writer = new Lance20FileWriter(stream, schema, fields))
            {
                writer.Write(new RecordBatch(schema, fields.Select(f => reader.Read(f.Id, 0, (int)rows)), (int)rows));
                writer.Finish();
            }
            var theirs = File.ReadAllBytes(source);
            var mine = File.ReadAllBytes(ours);
            for (var c = 0; c < fields.Count; c++)
            {
                var lanceColumn = manifest.Fields.IndexOf(fields[c]);
                var expected = PageBuffers(theirs, lanceColumn);
                var actual = PageBuffers(mine, c);
                // The whole column metadata but where the buffers sit: column encoding, pages, rows, sizes, priority.
                Assert.Equal(expected.Metadata, actual.Metadata);
                Assert.True(expected.Encoding.Equals(actual.Encoding), $"{fields[c].Name}: LanceDB wrote {expected.Encoding}, we wrote {actual.Encoding}");
                Assert.Equal(expected.Buffers.Count, actual.Buffers.Count);
                for (var b = 0; b < expected.Buffers.Count; b++)
                {
                    Assert.True(expected.Buffers[b].SequenceEqual(actual.Buffers[b]), $"{fields[c].Name} buffer {b}");
                }
            }
        }
    }

    private static (ColumnMetadata Metadata, V20.ArrayEncoding Encoding, List<byte[]> Buffers) PageBuffers(byte[] file, int column)
    {
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 32));
        var at = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(table + 16 * column));
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(table + 16 * column + 8));
        var metadata = ColumnMetadata.Parser.ParseFrom(file.AsSpan(at, length));
        var page = metadata.Pages.Single();
        var encoding = Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom(page.Encoding.Direct.Encoding).Unpack<V20.ArrayEncoding>();
        var buffers = page.BufferOffsets.Zip(page.BufferSizes, (o, s) => file.AsSpan((int)o, (int)s).ToArray()).ToList();
        var located = metadata.Clone();
        located.Pages[0].BufferOffsets.Clear();
        return (located, encoding, buffers);
    }

    /// <summary>A value of the spec in a form that compares exactly: floats by their bits, binary as base64.</summary>
    private static string Canon(JsonElement value, IArrowType type) => LanceCanonicalValues.Canon(value, type);

    private static string Canon(IArrowArray array, int i) => LanceCanonicalValues.Canon(array, i);

    // ---------- bad files ----------

    private protected override string WriteGood()
    {
        var path = Path.Combine(Dir, $"{Guid.NewGuid():N}.lance");
        LanceFileTestData.Write(path, [
            LanceFileTestData.Make(Int32Type.Default, 5000, 0.1, new Random(1)),
            LanceFileTestData.Make(StringType.Default, 5000, 0.1, new Random(2)),
            LanceFileTestData.Make(new FixedSizeListType(new Apache.Arrow.Field("item", FloatType.Default, true), 4), 5000, 0.1, new Random(3)),
        ], 5000, pageBytes: 16 * 1024, LanceFileVersion.V2_0);
        return path;
    }

    private protected override ILanceDataFileReader Open(string path) => Lance20FileReader.Open(path);

    private static void AssertCorrupt(string path, Action<Lance20FileReader> read) =>
        LanceFileTestData.AssertCorrupt(path, Lance20FileReader.Open, read);

    [Fact]
    public void Open_A21File_DataFileCorruptSayingTheVersion()
    {
        var path = Path.Combine(Dir, "v21.lance");
        LanceFileTestData.Write(path, [LanceFileTestData.Make(Int32Type.Default, 10, 0.0, new Random(1))], 10);
        var error = Assert.ThrowsAny<GenevaException>(() => Lance20FileReader.Open(path));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("2.1", error.Message);
    }

    [Fact]
    public void Read_StringOffsetsGarbled_DataFileCorruptNamingTheColumn()
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 32));
        var at = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(table + 16));
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(table + 24));
        var page = ColumnMetadata.Parser.ParseFrom(bytes.AsSpan(at, length)).Pages[0];
        // Ends that go backwards, then past the page's bytes.
        bytes.AsSpan((int)page.BufferOffsets[0], (int)page.BufferSizes[0]).Fill(0x7F);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)page.BufferOffsets[0] + 8), 1);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<GenevaException>(() =>
        {
            using var reader = Lance20FileReader.Open(path);
            reader.Read(1, 0, 5000);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("column 'c1'", error.Message);
    }

    [Fact]
    public void Open_AnyMetadataByteChanged_ReadsOrThrowsGenevaExceptionOnly()
    {
        var path = WriteGood();
        var good = File.ReadAllBytes(path);
        var metadataStart = (int)BinaryPrimitives.ReadUInt64LittleEndian(good.AsSpan(good.Length - 40));
        Gen.Select(Gen.Int[metadataStart, good.Length - 1], Gen.Byte, Gen.Int[1, 3]).Sample((at, value, count) =>
        {
            var bytes = (byte[])good.Clone();
            for (var k = 0; k < count && at + k < bytes.Length; k++)
            {
                bytes[at + k] ^= value == 0 ? (byte)1 : value;
            }
            var bad = Path.Combine(Dir, $"{Guid.NewGuid():N}.lance");
            File.WriteAllBytes(bad, bytes);
            try
            {
                using var reader = Lance20FileReader.Open(bad);
                foreach (var field in reader.Fields)
                {
                    reader.Read(field.Id, 0, (int)Math.Min(reader.RowCount, 5000));
                }
            }
            catch (GenevaException)
            {
                // The only failure a damaged file may give.
            }
            File.Delete(bad);
        }, iter: 400);
    }

    /// <summary>Rewrites the file's schema and column metadata (the data buffers stay where they are).</summary>
    private static void RewriteTail(string path, Action<FileDescriptor, ColumnMetadata[]> change)
    {
        var bytes = File.ReadAllBytes(path);
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
        change(descriptor, metadata);
        // The pages stay; the tail is written again after them as the writers write it.
        using var stream = new MemoryStream();
        var output = new LanceFileOutput(stream);
        output.Write(bytes.AsSpan(0, schemaAt));
        LanceFileTail.Write(output, descriptor.Schema.Fields, (long)descriptor.Length, metadata, Lance20FileWriter.FooterMajor, Lance20FileWriter.FooterMinor);
        File.WriteAllBytes(path, stream.ToArray());
    }

    [Fact]
    public void Open_ColumnInAnEncodingGenevaDoesNotRead_OpensAndOnlyThatColumnThrows()
    {
        var path = WriteGood();
        RewriteTail(path, (_, metadata) =>
        {
            // zstd on the ints' values: valid 2.0, which LanceDB writes when a field asks for it; Geneva does not read it.
            var page = metadata[0].Pages[0];
            var any = Google.Protobuf.WellKnownTypes.Any.Parser.ParseFrom(page.Encoding.Direct.Encoding);
            var encoding = any.Unpack<V20.ArrayEncoding>();
            encoding.Nullable.SomeNulls.Values.Flat.Compression = new V20.Compression { Scheme = "zstd" };
            page.Encoding.Direct.Encoding = Google.Protobuf.MessageExtensions.ToByteString(Google.Protobuf.WellKnownTypes.Any.Pack(encoding, ""));
        });
        using var reader = Lance20FileReader.Open(path);
        Assert.False(reader.CanRead(0));
        Assert.True(reader.CanRead(1));
        var error = Assert.Throws<LanceUnsupportedEncodingException>(() => reader.Read(0, 0, 10));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("zstd", error.Message);
        LanceFileTestData.AssertSame(LanceFileTestData.Make(StringType.Default, 5000, 0.1, new Random(2)), 0, reader.Read(1, 0, 5000), "the other column");
    }

    [Fact]
    public void Open_ListColumn_OpensAndOnlyThatColumnThrows()
    {
        var path = WriteGood();
        RewriteTail(path, (descriptor, _) =>
        {
            // Field 0 becomes a list (as a 2.0 list's offsets column would be named); the rest read as before.
            descriptor.Schema.Fields[0].LogicalType = "list";
        });
        using var reader = Lance20FileReader.Open(path);
        Assert.False(reader.CanRead(0));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, Assert.Throws<LanceUnsupportedEncodingException>(() => reader.Read(0, 0, 1)).Code);
        Assert.Equal(5000, reader.Read(2, 0, 5000).Length);
    }

    [Fact]
    public void Open_PageNamingABufferItDoesNotHave_DataFileCorrupt()
    {
        var path = WriteGood();
        RewriteTail(path, (_, metadata) =>
        {
            var page = metadata[2].Pages[0];
            page.BufferOffsets.RemoveAt(1);
            page.BufferSizes.RemoveAt(1);
        });
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_SchemaWithMoreFieldsThanColumns_DataFileCorrupt()
    {
        var path = WriteGood();
        RewriteTail(path, (descriptor, _) => descriptor.Schema.Fields.Add(new LanceField { Name = "extra", Id = 9, ParentId = -1, LogicalType = "int32" }));
        AssertCorrupt(path);
    }

    [Fact]
    public void Read_RowsOutsideFileOrUnknownField_Throws()
    {
        using var reader = Lance20FileReader.Open(WriteGood());
        Assert.Equal(GenevaErrorCode.InvalidArgument, Assert.Throws<GenevaException>(() => reader.Read(0, 4990, 11)).Code);
        Assert.Equal(GenevaErrorCode.ColumnNotFound, Assert.Throws<GenevaException>(() => reader.Read(5, 0, 1)).Code);
        Assert.Equal(0, reader.Read(1, 5000, 0).Length);
    }
}
