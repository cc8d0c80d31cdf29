using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using Geneva.Core.Storage.Lance.Files;
using PageLayout = Geneva.Core.Storage.Lance.Proto.PageLayout;

namespace Geneva.Core.Tests;

public sealed class LanceFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lancefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void WriteRead_Int32NoNulls_SameValues()
    {
        var path = Path.Combine(_dir, "a.lance");
        var values = Enumerable.Range(0, 10_000).ToArray();
        var array = new Int32Array.Builder().AppendRange(values).Build();
        LanceFileTestData.Write(path, [array], 3000);
        using var reader = LanceFileReader.Open(path);
        Assert.Equal(10_000, reader.RowCount);
        Assert.Equal(LanceFileVersion.V2_1, reader.Version);
        var read = (Int32Array)reader.Read(0, 0, 10_000);
        Assert.Equal(values, read.Values.ToArray());
        var part = (Int32Array)reader.Read(0, 4095, 4097);
        Assert.Equal(values.AsSpan(4095, 4097).ToArray(), part.Values.ToArray());
    }

    [Fact]
    public void WriteRead_EveryTypeAndShape_SameValues()
    {
        var cases = Gen.Select(
            Gen.Int[0, LanceFileTestData.Types.Length - 1],
            Gen.OneOf(Gen.Int[0, 5000], Gen.OneOf(1, 2, 4095, 4096, 4097, 8191, 8193)),
            Gen.OneOf(0.0, 0.01, 0.5, 0.99, 1.0),
            Gen.OneOf(1024L, 4096L, 65536L, LanceFileWriter.DefaultPageBytes),
            Gen.Int[1, 6000],
            Gen.Int,
            (t, r, n, p, b, s) => (t, r, n, p, b, s));
        cases.Sample((typeIndex, rows, nullRate, pageBytes, batchRows, seed) =>
            LanceFileTestData.AssertRoundTrip(_dir, LanceFileVersion.V2_1, LanceFileTestData.Types[typeIndex], rows, nullRate, pageBytes, batchRows, seed), iter: 300);
    }

    [Fact]
    public void WriteRead_StringsLongEmptyAndNull_SameValues()
    {
        // Values over 32 KiB cannot sit in a mini-block chunk: such pages go full-zip, as Lance's own writer does.
        LanceFileTestData.StringCases.Sample((rows, nullRate, longRate, pageBytes, seed) =>
            LanceFileTestData.AssertStringsRoundTrip(_dir, LanceFileVersion.V2_1, rows, nullRate, longRate, pageBytes, seed), iter: 60);
    }

    [Fact]
    public void Encode_StringsFillingAChunk_ChunkIsExactly32KiB()
    {
        // 4096 values whose offsets (4 * 4097 bytes) and bytes (16,372) plus the 8-byte header make 32,768 bytes;
        // the last value's chunk is 8 (header) + 8 (offsets) + 4 (bytes) padded to 24.
        var values = Enumerable.Range(0, 4096).Select(i => i < 4092 ? "abcd" : "e").Append("tail").ToArray();
        var array = new StringArray.Builder().AppendRange(values).Build();
        var page = new LancePageBuffer(LanceLeafType.TryCreate(StringType.Default)!, "s");
        page.Append(array, 0, array.Length);
        var metadata = new LanceByteBuffer();
        var data = new LanceByteBuffer();
        MiniBlockEncoding.Encode(page, metadata, data);
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(metadata.Span).ToArray();
        Assert.Equal([(ushort)(((32768 / 8 - 1) << 4) | 12), (ushort)(((24 / 8 - 1) << 4) | 0)], words);

        var path = Path.Combine(_dir, "exact.lance");
        LanceFileTestData.Write(path, [array], 4097);
        using var reader = LanceFileReader.Open(path);
        LanceFileTestData.AssertSame(array, 0, reader.Read(0, 0, 4097), "exact chunk");
        LanceFileTestData.AssertSame(array, 4095, reader.Read(0, 4095, 2), "across the chunk edge");
    }

    [Theory]
    [InlineData(1, 4096)]  // int8, no nulls: 4096 rows a chunk
    [InlineData(8, 2048)]  // int64: 4096 rows would pass 32 KiB with the header
    [InlineData(32, 512)]  // fixed_size_list<float32>[8]
    public void FixedChunkRows_RowWidth_LargestPowerOfTwoIn32KiB(int rowBytes, int expected)
    {
        IArrowType type = rowBytes switch
        {
            1 => Int8Type.Default,
            8 => Int64Type.Default,
            _ => new FixedSizeListType(new Field("item", FloatType.Default, true), 8),
        };
        Assert.Equal(expected, MiniBlockEncoding.FixedChunkRows(LanceLeafType.TryCreate(type)!, hasDefs: false));
    }

    [Fact]
    public void Write_ManyPages_ManifestFieldsAndPagesAsExpected()
    {
        var path = Path.Combine(_dir, "pages.lance");
        var ints = LanceFileTestData.Make(Int32Type.Default, 100_000, 0.0, new Random(1));
        var vectors = LanceFileTestData.Make(new FixedSizeListType(new Field("item", FloatType.Default, true), 384), 300, 0.1, new Random(2));
        var (_, fields) = LanceFileTestData.Write(path, [ArrowArrayFactory.Slice(ints, 0, 300), vectors], 100, pageBytes: 64 * 1024);
        Assert.Equal([0, 1], fields.Select(f => f.Id));
        Assert.All(fields, f => Assert.Equal(-1, f.ParentId));
        Assert.Equal("fixed_size_list:float:384", fields[1].LogicalType);
        using var reader = LanceFileReader.Open(path);
        Assert.Equal(fields, reader.Fields);
        LanceFileTestData.AssertSame(vectors, 0, reader.Read(1, 0, 300), "vectors");
        LanceFileTestData.AssertSame(ints, 0, reader.Read(0, 0, 300), "ints from a slice");
    }

    [Fact]
    public void Read_ManyThreadsAtOnce_SameValues()
    {
        var path = Path.Combine(_dir, "threads.lance");
        var strings = LanceFileTestData.Make(StringType.Default, 50_000, 0.1, new Random(3));
        LanceFileTestData.Write(path, [strings], 50_000, pageBytes: 32 * 1024);
        using var reader = LanceFileReader.Open(path);
        LanceFileTestData.AssertReadsInParallel(reader, strings);
    }

    [Fact]
    public void Writer_ListColumn_ManifestFieldIsTheItem()
    {
        var list = new Field("l", new ListType(new Field("item", Int32Type.Default, true)), true);
        var id = 3;
        var fields = LanceSchema.FromArrow(list, ref id);
        var schema = new Schema([list], null);
        using var stream = new MemoryStream();
        using var writer = new LanceFileWriter(stream, schema, fields);
        writer.Write(new RecordBatch(schema, [LanceFileTestData.Make(list.DataType, 10, 0.2, new Random(5))], 10));
        writer.Finish();
        Assert.Equal([4], writer.ManifestFields);
        Assert.Equal([0], writer.ManifestColumnIndices);
    }

    [Fact]
    public void Writer_FieldsOfOtherColumnsGiven_FileSchemaHoldsItsColumnsOnly()
    {
        var schema = new Schema([new Field("b", StringType.Default, true)], null);
        var id = 0;
        var all = new[] { new Field("a", Int32Type.Default, true), schema.FieldsList[0], new Field("c", Int64Type.Default, true) }
            .SelectMany(f => LanceSchema.FromArrow(f, ref id)).ToList();
        var path = Path.Combine(_dir, "subset.lance");
        using (var stream = File.Create(path))
        using (var writer = new LanceFileWriter(stream, schema, all))
        {
            writer.Write(new RecordBatch(schema, [new StringArray.Builder().Append("x").Append("").Build()], 2));
            writer.Finish();
            Assert.Equal([1], writer.ManifestFields);
        }
        using var reader = LanceFileReader.Open(path);
        Assert.Equal(["b"], reader.Fields.Select(f => f.Name));
        Assert.Equal("", ((StringArray)reader.Read(1, 1, 1)).GetString(0));
    }

    [Fact]
    public void Write_EachColumn_LayoutAsLanceChooses()
    {
        // Narrow values mini-block; rows of 256 bytes or more (a value over 32 KiB among them) full-zip; all-null pages no data.
        var rows = 1000;
        var random = new Random(9);
        var path = Path.Combine(_dir, "layouts.lance");
        LanceFileTestData.Write(path, [
            LanceFileTestData.Make(Int64Type.Default, rows, 0.1, random),
            LanceFileTestData.Make(StringType.Default, rows, 0.1, random, r => r.Next(0, 256)),
            LanceFileTestData.Make(StringType.Default, rows, 0.1, random, r => r.Next(0, 40) == 0 ? 40_000 : 10),
            LanceFileTestData.Make(new FixedSizeListType(new Field("item", FloatType.Default, true), 63), rows, 0.1, random),
            LanceFileTestData.Make(new FixedSizeListType(new Field("item", FloatType.Default, true), 64), rows, 0.1, random),
            LanceFileTestData.Make(Int32Type.Default, rows, 1.0, random),
            LanceFileTestData.Make(new ListType(new Field("item", Int32Type.Default, true)), rows, 0.1, random),
        ], rows);
        using var reader = LanceFileReader.Open(path);
        var layouts = Enumerable.Range(0, 7).Select(c => reader.Pages(c == 6 ? 6 : c).Single().Layout).ToArray();
        Assert.Equal([
            PageLayout.LayoutOneofCase.MiniBlockLayout, PageLayout.LayoutOneofCase.MiniBlockLayout, PageLayout.LayoutOneofCase.FullZipLayout,
            PageLayout.LayoutOneofCase.MiniBlockLayout, PageLayout.LayoutOneofCase.FullZipLayout, PageLayout.LayoutOneofCase.AllNullLayout,
            PageLayout.LayoutOneofCase.FullZipLayout,
        ], layouts);
    }

    [Fact]
    public void Write_MoreThanAPage_SeveralPagesOfBoundedSize()
    {
        var path = Path.Combine(_dir, "bounded.lance");
        var ints = LanceFileTestData.Make(Int32Type.Default, 200_000, 0.0, new Random(4));
        LanceFileTestData.Write(path, [ints], 200_000, pageBytes: 64 * 1024);
        using var reader = LanceFileReader.Open(path);
        var pages = reader.Pages(0);
        Assert.True(pages.Count >= 12, $"{pages.Count} pages");
        Assert.All(pages, p => Assert.True(p.Rows * 4 <= 64 * 1024, $"a page of {p.Rows} rows"));
        Assert.Equal(200_000, pages.Sum(p => p.Rows));
        LanceFileTestData.AssertSame(ints, 0, reader.Read(0, 0, 200_000), "pages");
    }

    [Fact]
    public void Writer_ManifestFields_AreTheColumnsFieldIds()
    {
        Assert.Equal((2u, 1u), LanceFileTestData.WriteOneRowAssertingManifestFields(LanceFileVersion.V2_1));
    }

    [Fact]
    public void Writer_ListOfBoolOrMismatchedType_Throws()
    {
        var list = new Field("l", new ListType(new Field("item", BooleanType.Default, true)), true);
        var id = 0;
        var fields = LanceSchema.FromArrow(list, ref id);
        var error = Assert.Throws<GenevaException>(() => new LanceFileWriter(new MemoryStream(), new Schema([list], null), fields));
        Assert.Equal(GenevaErrorCode.TypeMismatch, error.Code);

        var ints = new Field("i", Int32Type.Default, true);
        id = 0;
        var intFields = LanceSchema.FromArrow(ints, ref id);
        var schema = new Schema([ints], null);
        using var writer = new LanceFileWriter(new MemoryStream(), schema, intFields);
        var wrong = Assert.Throws<GenevaException>(() => writer.Write(new RecordBatch(new Schema([new Field("i", Int64Type.Default, true)], null), [new Int64Array.Builder().Append(1).Build()], 1)));
        Assert.Equal(GenevaErrorCode.TypeMismatch, wrong.Code);
    }
}
