using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Tests;

/// <summary>Round trips through <see cref="Lance20FileWriter"/> and <see cref="Lance20FileReader"/>, and the bytes of the pages.</summary>
public sealed class Lance20FileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lance20file-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Writes the arrays as one 2.0 file (see <see cref="LanceFileTestData.Write"/>).</summary>
    private static (long Size, LanceField[] Fields) Write(string path, IReadOnlyList<IArrowArray> columns, int batchRows, long pageBytes = LanceFileWriter.DefaultPageBytes) =>
        LanceFileTestData.Write(path, columns, batchRows, pageBytes, LanceFileVersion.V2_0);

    /// <summary>The page encodings of column <paramref name="column"/>, with each page's rows and buffer sizes.</summary>
    internal static List<(ulong Rows, V20.ArrayEncoding Encoding, ulong[] Sizes)> Pages(string path, int column)
    {
        var bytes = File.ReadAllBytes(path);
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 32));
        var at = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(table + 16 * column));
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(table + 16 * column + 8));
        var metadata = ColumnMetadata.Parser.ParseFrom(bytes.AsSpan(at, length));
        return metadata.Pages.Select(p => (p.Length, Any.Parser.ParseFrom(p.Encoding.Direct.Encoding).Unpack<V20.ArrayEncoding>(), p.BufferSizes.ToArray())).ToList();
    }

    [Fact]
    public void WriteRead_Int32NoNulls_SameValuesAndFooter03()
    {
        var path = Path.Combine(_dir, "a.lance");
        var values = Enumerable.Range(0, 10_000).ToArray();
        Write(path, [new Int32Array.Builder().AppendRange(values).Build()], 3000);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((ushort)0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(bytes.Length - 8)));
        Assert.Equal((ushort)3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(bytes.Length - 6)));
        using var reader = Lance20FileReader.Open(path);
        Assert.Equal(10_000, reader.RowCount);
        Assert.Equal(values, ((Int32Array)reader.Read(0, 0, 10_000)).Values.ToArray());
        Assert.Equal(values.AsSpan(4095, 4097).ToArray(), ((Int32Array)reader.Read(0, 4095, 4097)).Values.ToArray());
    }

    /// <summary>The types a 2.0 file stores (list&lt;T&gt; is written in 2.1 only).</summary>
    private static readonly IArrowType[] s_types = LanceFileTestData.Types.Where(t => t is not ListType).ToArray();

    [Fact]
    public void WriteRead_EveryTypeAndShape_SameValues()
    {
        var cases = Gen.Select(
            Gen.Int[0, s_types.Length - 1],
            Gen.OneOf(Gen.Int[0, 5000], Gen.OneOf(1, 2, 7, 8, 9, 4096, 8193)),
            Gen.OneOf(0.0, 0.01, 0.5, 0.99, 1.0),
            Gen.OneOf(1024L, 4096L, 65536L, LanceFileWriter.DefaultPageBytes),
            Gen.Int[1, 6000],
            Gen.Int,
            (t, r, n, p, b, s) => (t, r, n, p, b, s));
        cases.Sample((typeIndex, rows, nullRate, pageBytes, batchRows, seed) =>
            LanceFileTestData.AssertRoundTrip(_dir, LanceFileVersion.V2_0, s_types[typeIndex], rows, nullRate, pageBytes, batchRows, seed), iter: 250);
    }

    [Fact]
    public void WriteRead_StringsLongEmptyAndNull_SameValues()
    {
        LanceFileTestData.StringCases.Sample((rows, nullRate, longRate, pageBytes, seed) =>
            LanceFileTestData.AssertStringsRoundTrip(_dir, LanceFileVersion.V2_0, rows, nullRate, longRate, pageBytes, seed), iter: 60);
    }

    [Fact]
    public void Write_SmallPages_SeveralPagesEachReadAcrossTheirEdges()
    {
        var path = Path.Combine(_dir, "pages.lance");
        var ints = LanceFileTestData.Make(Int64Type.Default, 20_000, 0.1, new Random(1));
        var strings = LanceFileTestData.Make(StringType.Default, 20_000, 0.1, new Random(2));
        var bools = LanceFileTestData.Make(BooleanType.Default, 20_000, 0.1, new Random(3));
        Write(path, [ints, strings, bools], 7001, pageBytes: 16 * 1024);
        var pages = Pages(path, 0);
        Assert.True(pages.Count >= 9, $"{pages.Count} pages of int64");
        Assert.Equal(20_000UL, pages.Aggregate(0UL, (n, p) => n + p.Rows));
        Assert.True(Pages(path, 1).Count >= 9);
        using var reader = Lance20FileReader.Open(path);
        var edge = (int)pages[0].Rows;
        foreach (var (start, length) in new[] { (0, 20_000), (edge - 1, 2), (edge, 1), (edge - 3, 3 * edge), (19_999, 1), (20_000, 0) })
        {
            LanceFileTestData.AssertSame(ints, start, reader.Read(0, start, length), $"int64 [{start}, +{length})");
            LanceFileTestData.AssertSame(strings, start, reader.Read(1, start, length), $"utf8 [{start}, +{length})");
            LanceFileTestData.AssertSame(bools, start, reader.Read(2, start, length), $"bool [{start}, +{length})");
        }
    }

    [Fact]
    public void Write_Pages_EncodingsAsLanceDBWrites()
    {
        var path = Path.Combine(_dir, "enc.lance");
        var withNulls = new Int32Array.Builder().Append(1).AppendNull().Append(3).Build();
        var noNulls = new Int32Array.Builder().Append(1).Append(2).Append(3).Build();
        var allNull = new Int32Array.Builder().AppendNull().AppendNull().AppendNull().Build();
        var strings = new StringArray.Builder().Append("ab").AppendNull().Append("").Build();
        var vectors = LanceFileTestData.Make(new FixedSizeListType(new Apache.Arrow.Field("item", FloatType.Default, true), 4), 3, 0.0, new Random(1));
        Write(path, [withNulls, noNulls, allNull, strings, vectors], 3);

        var some = Pages(path, 0).Single();
        Assert.Equal(V20.Nullable.NullabilityOneofCase.SomeNulls, some.Encoding.Nullable.NullabilityCase);
        Assert.Equal(1UL, some.Encoding.Nullable.SomeNulls.Validity.Flat.BitsPerValue);
        Assert.Equal(0U, some.Encoding.Nullable.SomeNulls.Validity.Flat.Buffer.BufferIndex);
        Assert.Equal(32UL, some.Encoding.Nullable.SomeNulls.Values.Flat.BitsPerValue);
        Assert.Equal(1U, some.Encoding.Nullable.SomeNulls.Values.Flat.Buffer.BufferIndex);
        Assert.Equal([1UL, 12UL], some.Sizes);

        var none = Pages(path, 1).Single();
        Assert.Equal(32UL, none.Encoding.Nullable.NoNulls.Values.Flat.BitsPerValue);
        Assert.Equal([12UL], none.Sizes);

        var all = Pages(path, 2).Single();
        Assert.Equal(V20.Nullable.NullabilityOneofCase.AllNulls, all.Encoding.Nullable.NullabilityCase);
        Assert.Empty(all.Sizes);

        // Ends 2, 2 + null_adjustment (3), 2: a null row's end carries the adjustment, which is the byte count plus 1.
        var binary = Pages(path, 3).Single();
        Assert.Equal(3UL, binary.Encoding.Binary.NullAdjustment);
        Assert.Equal(64UL, binary.Encoding.Binary.Indices.Nullable.NoNulls.Values.Flat.BitsPerValue);
        Assert.Equal(8UL, binary.Encoding.Binary.Bytes.Flat.BitsPerValue);
        Assert.Equal([24UL, 2UL], binary.Sizes);
        var bytes = File.ReadAllBytes(path);
        var ends = FindBuffer(bytes, 3, 0);
        Assert.Equal([2UL, 5UL, 2UL], Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(ends.AsSpan(8 * i))));

        var fsl = Pages(path, 4).Single();
        Assert.Equal(4U, fsl.Encoding.Nullable.NoNulls.Values.FixedSizeList.Dimension);
        Assert.Equal(32UL, fsl.Encoding.Nullable.NoNulls.Values.FixedSizeList.Items.Nullable.NoNulls.Values.Flat.BitsPerValue);
    }

    private static byte[] FindBuffer(byte[] file, int column, int buffer)
    {
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 32));
        var at = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(table + 16 * column));
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(table + 16 * column + 8));
        var page = ColumnMetadata.Parser.ParseFrom(file.AsSpan(at, length)).Pages[0];
        return file.AsSpan((int)page.BufferOffsets[buffer], (int)page.BufferSizes[buffer]).ToArray();
    }

    [Fact]
    public void Writer_ManifestFields_AreTheColumnsFieldIdsAndVersion20()
    {
        Assert.Equal((2u, 0u), LanceFileTestData.WriteOneRowAssertingManifestFields(LanceFileVersion.V2_0));
    }

    [Fact]
    public void Writer_GivenTheWholeDatasetSchema_FileSchemaHoldsItsOwnColumnsOnly()
    {
        var all = new[] { new Apache.Arrow.Field("a", Int32Type.Default, true), new Apache.Arrow.Field("b", StringType.Default, true), new Apache.Arrow.Field("c", DoubleType.Default, true) };
        var id = 0;
        var lance = all.SelectMany(f => LanceSchema.FromArrow(f, ref id)).ToList();
        var schema = new Apache.Arrow.Schema([all[2], all[1]], null);
        var path = Path.Combine(_dir, "part.lance");
        using (var stream = File.Create(path))
        using (var writer = new Lance20FileWriter(stream, schema, lance))
        {
            writer.Write(new RecordBatch(schema, [new DoubleArray.Builder().Append(1.5).Build(), new StringArray.Builder().Append("x").Build()], 1));
            writer.Finish();
            Assert.Equal([2, 1], writer.ManifestFields);
            Assert.Equal([0, 1], writer.ManifestColumnIndices);
        }
        using var reader = Lance20FileReader.Open(path);
        Assert.Equal(["c", "b"], reader.Fields.Select(f => f.Name));
        Assert.Equal(1.5, ((DoubleArray)reader.Read(2, 0, 1)).GetValue(0));
        Assert.Equal("x", ((StringArray)reader.Read(1, 0, 1)).GetString(0));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, Assert.Throws<GenevaException>(() => reader.Read(0, 0, 1)).Code);
    }

    [Fact]
    public void WriteRead_NoRows_EmptyColumns()
    {
        var path = Path.Combine(_dir, "empty.lance");
        Write(path, [new Int32Array.Builder().Build(), new StringArray.Builder().Build()], 1);
        using var reader = Lance20FileReader.Open(path);
        Assert.Equal(0, reader.RowCount);
        Assert.Equal(0, reader.Read(0, 0, 0).Length);
        Assert.Equal(0, reader.Read(1, 0, 0).Length);
    }

    [Fact]
    public void Writer_ListColumnNullVectorItemOrMismatchedType_Throws()
    {
        var list = new Apache.Arrow.Field("l", new ListType(new Apache.Arrow.Field("item", Int32Type.Default, true)), true);
        var id = 0;
        var error = Assert.Throws<GenevaException>(() => new Lance20FileWriter(new MemoryStream(), new Apache.Arrow.Schema([list], null), LanceSchema.FromArrow(list, ref id)));
        Assert.Equal(GenevaErrorCode.TypeMismatch, error.Code);

        var vectorType = new FixedSizeListType(new Apache.Arrow.Field("item", FloatType.Default, true), 2);
        var vectors = new Apache.Arrow.Field("v", vectorType, true);
        id = 0;
        var vectorSchema = new Apache.Arrow.Schema([vectors], null);
        using (var writer = new Lance20FileWriter(new MemoryStream(), vectorSchema, LanceSchema.FromArrow(vectors, ref id)))
        {
            var items = new FloatArray.Builder().Append(1).AppendNull().Build();
            var array = ArrowArrayFactory.BuildArray(new ArrayData(vectorType, 1, 0, 0, [ArrowBuffer.Empty], [items.Data]));
            var nullItem = Assert.Throws<GenevaException>(() => writer.Write(new RecordBatch(vectorSchema, [array], 1)));
            Assert.Equal(GenevaErrorCode.TypeMismatch, nullItem.Code);
        }

        var ints = new Apache.Arrow.Field("i", Int32Type.Default, true);
        id = 0;
        using var intWriter = new Lance20FileWriter(new MemoryStream(), new Apache.Arrow.Schema([ints], null), LanceSchema.FromArrow(ints, ref id));
        var wrong = Assert.Throws<GenevaException>(() => intWriter.Write(new RecordBatch(new Apache.Arrow.Schema([new Apache.Arrow.Field("i", Int64Type.Default, true)], null), [new Int64Array.Builder().Append(1).Build()], 1)));
        Assert.Equal(GenevaErrorCode.TypeMismatch, wrong.Code);
    }

    [Fact]
    public void Read_ManyThreadsAtOnce_SameValues()
    {
        var path = Path.Combine(_dir, "threads.lance");
        var strings = LanceFileTestData.Make(StringType.Default, 50_000, 0.1, new Random(3));
        Write(path, [strings], 50_000, pageBytes: 32 * 1024);
        using var reader = Lance20FileReader.Open(path);
        LanceFileTestData.AssertReadsInParallel(reader, strings);
    }
}
