using System.Buffers.Binary;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using Geneva.Core.Storage.Lance.Files;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Tests;

/// <summary>Arrays of every type a Lance data file stores, random but reproducible, and a value-by-value comparison.</summary>
internal static class LanceFileTestData
{
    public static readonly IArrowType[] Types =
    [
        Int8Type.Default, UInt8Type.Default, Int16Type.Default, UInt16Type.Default, Int32Type.Default, UInt32Type.Default,
        Int64Type.Default, UInt64Type.Default, FloatType.Default, DoubleType.Default, Date32Type.Default,
        new TimestampType(TimeUnit.Microsecond, "UTC"), BooleanType.Default, StringType.Default, BinaryType.Default,
        new FixedSizeListType(new Field("item", FloatType.Default, true), 8),
        new FixedSizeListType(new Field("item", FloatType.Default, true), 384),
        new FixedSizeListType(new Field("item", UInt8Type.Default, true), 3),
        new ListType(new Field("item", Int32Type.Default, true)),
        new ListType(new Field("item", StringType.Default, true)),
        new ListType(new Field("item", new FixedSizeListType(new Field("item", FloatType.Default, true), 4), true)),
    ];

    /// <summary>
    /// <paramref name="rows"/> random rows, each null with probability <paramref name="nullRate"/>;
    /// strings and binaries get lengths from <paramref name="length"/>.
    /// </summary>
    public static IArrowArray Make(IArrowType type, int rows, double nullRate, Random random, Func<Random, int>? length = null)
    {
        length ??= r => r.Next(0, 40);
        var validity = new byte[(rows + 7) / 8];
        var nulls = 0;
        for (var i = 0; i < rows; i++)
        {
            if (nullRate > 0 && random.NextDouble() < nullRate)
            {
                nulls++;
            }
            else
            {
                validity[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
        var validityBuffer = nulls == 0 ? ArrowBuffer.Empty : new ArrowBuffer(validity);
        ArrayData data;
        switch (type)
        {
            case BooleanType:
                var bits = new byte[(rows + 7) / 8];
                random.NextBytes(bits);
                data = new ArrayData(type, rows, nulls, 0, [validityBuffer, new ArrowBuffer(bits)]);
                break;
            case StringType or BinaryType:
                var offsets = new int[rows + 1];
                var bytes = new MemoryStream();
                for (var i = 0; i < rows; i++)
                {
                    if ((validity[i >> 3] & (1 << (i & 7))) != 0)
                    {
                        var text = new byte[length(random)];
                        for (var k = 0; k < text.Length; k++)
                        {
                            text[k] = type is StringType ? (byte)random.Next(0x20, 0x7F) : (byte)random.Next(256);
                        }
                        bytes.Write(text);
                    }
                    offsets[i + 1] = (int)bytes.Length;
                }
                data = new ArrayData(type, rows, nulls, 0,
                    [validityBuffer, new ArrowBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan()).ToArray()), new ArrowBuffer(bytes.ToArray())]);
                break;
            case ListType list:
                var listOffsets = new int[rows + 1];
                for (var i = 0; i < rows; i++)
                {
                    var valid = (validity[i >> 3] & (1 << (i & 7))) != 0;
                    // Null lists sometimes keep items in Arrow: the writer must skip them.
                    listOffsets[i + 1] = listOffsets[i] + (valid || random.Next(4) == 0 ? random.Next(0, 6) : 0);
                }
                var itemArray = Make(list.ValueDataType, listOffsets[rows], nullRate / 2, random, length);
                data = new ArrayData(type, rows, nulls, 0,
                    [validityBuffer, new ArrowBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(listOffsets.AsSpan()).ToArray())], [itemArray.Data]);
                break;
            case FixedSizeListType fsl:
                var itemWidth = ((FixedWidthType)fsl.ValueDataType).BitWidth / 8;
                var items = new byte[rows * fsl.ListSize * itemWidth];
                random.NextBytes(items);
                var child = new ArrayData(fsl.ValueDataType, rows * fsl.ListSize, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(items)]);
                data = new ArrayData(type, rows, nulls, 0, [validityBuffer], [child]);
                break;
            default:
                var width = ((FixedWidthType)type).BitWidth / 8;
                var values = new byte[rows * width];
                random.NextBytes(values);
                data = new ArrayData(type, rows, nulls, 0, [validityBuffer, new ArrowBuffer(values)]);
                break;
        }
        return ArrowArrayFactory.BuildArray(data);
    }

    /// <summary>Asserts <paramref name="actual"/> equals rows [start, start + actual.Length) of <paramref name="expected"/>: the same nulls, and the same value in every non-null row.</summary>
    public static void AssertSame(IArrowArray expected, int start, IArrowArray actual, string because)
    {
        Assert.Equal(expected.Data.DataType.TypeId, actual.Data.DataType.TypeId);
        for (var i = 0; i < actual.Length; i++)
        {
            var e = start + i;
            if (expected.IsNull(e) != actual.IsNull(i))
            {
                Assert.Fail($"{because}: row {e} null {expected.IsNull(e)} expected, got {actual.IsNull(i)}");
            }
            if (expected.IsNull(e))
            {
                continue;
            }
            if (expected is ListArray el)
            {
                var al = (ListArray)actual;
                Assert.True(el.GetValueLength(e) == al.GetValueLength(i), $"{because}: row {e} has {al.GetValueLength(i)} items, expected {el.GetValueLength(e)}");
                AssertSame(ArrowArrayFactory.Slice(el.Values, el.ValueOffsets[e], el.GetValueLength(e)), 0,
                           ArrowArrayFactory.Slice(al.Values, al.ValueOffsets[i], al.GetValueLength(i)), $"{because}: items of row {e}");
                continue;
            }
            if (!Value(expected, e).SequenceEqual(Value(actual, i)))
            {
                Assert.Fail($"{because}: row {e} differs ({Convert.ToHexString(Value(expected, e))} expected, got {Convert.ToHexString(Value(actual, i))})");
            }
        }
        var nulls = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            nulls += actual.IsNull(i) ? 1 : 0;
        }
        Assert.Equal(nulls, actual.NullCount);
    }

    private static ReadOnlySpan<byte> Value(IArrowArray array, int index) => array switch
    {
        BooleanArray b => b.GetValue(index) == true ? [1] : [0],
        BinaryArray b => b.GetBytes(index),
        FixedSizeListArray f => Slice(f.Values.Data, (f.Offset + index) * ((FixedSizeListType)f.Data.DataType).ListSize, ((FixedSizeListType)f.Data.DataType).ListSize),
        _ => Slice(array.Data, index, 1),
    };

    private static ReadOnlySpan<byte> Slice(ArrayData data, int index, int count)
    {
        var width = ((FixedWidthType)data.DataType).BitWidth / 8;
        return data.Buffers[1].Span.Slice((data.Offset + index) * width, count * width);
    }

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>
    /// Writes the arrays as one file of <paramref name="version"/> (column names c0, c1, ...; field ids from 0),
    /// in batches of <paramref name="batchRows"/> rows cut as slices.
    /// </summary>
    public static (long Size, LanceField[] Fields) Write(string path, IReadOnlyList<IArrowArray> columns, int batchRows,
        long pageBytes = LanceFileWriter.DefaultPageBytes, LanceFileVersion version = LanceFileVersion.V2_1)
    {
        var arrowFields = new List<Field>();
        var lanceFields = new List<LanceField>();
        var nextId = 0;
        for (var c = 0; c < columns.Count; c++)
        {
            var field = new Field($"c{c}", columns[c].Data.DataType, true);
            arrowFields.Add(field);
            lanceFields.AddRange(LanceSchema.FromArrow(field, ref nextId));
        }
        var schema = new Schema(arrowFields, null);
        var rows = columns.Count == 0 ? 0 : columns[0].Length;
        using var stream = File.Create(path);
        using ILanceDataFileWriter writer = version == LanceFileVersion.V2_0
            ? new Lance20FileWriter(stream, schema, lanceFields, pageBytes)
            : new LanceFileWriter(stream, schema, lanceFields, version, pageBytes);
        for (var start = 0; start < rows || (rows == 0 && start == 0); start += Math.Max(1, batchRows))
        {
            var n = Math.Min(Math.Max(1, batchRows), rows - start);
            var slices = columns.Select(a => ArrowArrayFactory.Slice(a, start, n)).ToList();
            writer.Write(new RecordBatch(schema, slices, n));
            if (rows == 0)
            {
                break;
            }
        }
        var size = writer.Finish();
        Assert.Equal(rows, writer.RowCount);
        Assert.Equal(stream.Length, size);
        return (size, lanceFields.ToArray());
    }

    /// <summary>Opening <paramref name="path"/> (and <paramref name="read"/>, if given) throws DataFileCorrupt naming the file.</summary>
    public static void AssertCorrupt<TReader>(string path, Func<string, TReader> open, Action<TReader>? read = null) where TReader : IDisposable
    {
        var error = Assert.ThrowsAny<GenevaException>(() =>
        {
            using var reader = open(path);
            read?.Invoke(reader);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains(path, error.Message);
    }

    /// <summary>Keeps the first <paramref name="keep"/> bytes of the file (negative: drops that many from its end).</summary>
    public static void Truncate(string path, int keep)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);
    }

    /// <summary>Points the footer's column metadata start past the end of the file.</summary>
    public static void BreakFooterPositions(string path)
    {
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 40), (ulong)bytes.Length * 2);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Overwrites every column's metadata with 0xFF.</summary>
    public static void GarbleColumnMetadata(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var metadataStart = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 40));
        var tableStart = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 32));
        bytes.AsSpan(metadataStart, tableStart - metadataStart).Fill(0xFF);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>64 reads of random ranges of column 0 on 8 threads at once each give <paramref name="expected"/>'s rows.</summary>
    public static void AssertReadsInParallel(ILanceDataFileReader reader, IArrowArray expected)
    {
        var rows = expected.Length;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var random = new Random(i);
            var start = random.Next(0, rows);
            var count = random.Next(0, rows - start);
            AssertSame(expected, start, reader.Read(0, start, count), $"thread {i}");
        });
    }

    /// <summary>Opens a file with the reader of its version.</summary>
    public static ILanceDataFileReader Open(string path, LanceFileVersion version) =>
        version == LanceFileVersion.V2_0 ? Lance20FileReader.Open(path) : LanceFileReader.Open(path);

    /// <summary>
    /// Writes one random column of <paramref name="type"/> as a file of <paramref name="version"/> in <paramref name="dir"/>,
    /// and reads it back whole and in four random ranges; deletes the file.
    /// </summary>
    public static void AssertRoundTrip(string dir, LanceFileVersion version, IArrowType type, int rows, double nullRate, long pageBytes, int batchRows, int seed)
    {
        var random = new Random(seed);
        var array = Make(type, rows, nullRate, random);
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.lance");
        Write(path, [array], batchRows, pageBytes, version);
        using (var reader = Open(path, version))
        {
            Assert.Equal(rows, reader.RowCount);
            AssertSame(array, 0, reader.Read(0, 0, rows), $"{type.Name} whole");
            for (var k = 0; k < 4; k++)
            {
                var start = random.Next(0, rows + 1);
                var length = random.Next(0, rows - start + 1);
                AssertSame(array, start, reader.Read(0, start, length), $"{type.Name} [{start}, +{length})");
            }
        }
        File.Delete(path);
    }

    /// <summary>The shapes <see cref="AssertStringsRoundTrip"/> is sampled on: rows, null rate, rate of long values, page bytes, seed.</summary>
    public static readonly Gen<(int Rows, double NullRate, double LongRate, long PageBytes, int Seed)> StringCases = Gen.Select(
        Gen.Int[1, 400],
        Gen.OneOf(0.0, 0.2, 1.0),
        Gen.OneOf(0.0, 0.05, 0.5),
        Gen.OneOf(4096L, 200_000L, LanceFileWriter.DefaultPageBytes),
        Gen.Int,
        (rows, nullRate, longRate, page, seed) => (rows, nullRate, longRate, page, seed));

    /// <summary>
    /// Writes a utf8 and a binary column whose values are long (over 32 KiB) with probability <paramref name="longRate"/>,
    /// else short or empty, as a file of <paramref name="version"/>; reads both back whole and in a random range.
    /// </summary>
    public static void AssertStringsRoundTrip(string dir, LanceFileVersion version, int rows, double nullRate, double longRate, long pageBytes, int seed)
    {
        var random = new Random(seed);
        Func<Random, int> length = r => r.NextDouble() < longRate ? r.Next(32 * 1024 - 16, 100_000) : r.Next(0, 3) == 0 ? 0 : r.Next(1, 300);
        var strings = Make(StringType.Default, rows, nullRate, random, length);
        var binary = Make(BinaryType.Default, rows, nullRate, random, length);
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.lance");
        Write(path, [strings, binary], random.Next(1, rows + 1), pageBytes, version);
        using (var reader = Open(path, version))
        {
            AssertSame(strings, 0, reader.Read(0, 0, rows), "utf8 whole");
            AssertSame(binary, 0, reader.Read(1, 0, rows), "binary whole");
            var start = random.Next(0, rows);
            var count = random.Next(0, rows - start + 1);
            AssertSame(strings, start, reader.Read(0, start, count), $"utf8 [{start}, +{count})");
            AssertSame(binary, start, reader.Read(1, start, count), $"binary [{start}, +{count})");
        }
        File.Delete(path);
    }

    /// <summary>
    /// Writes one row of an int32 and a utf8 column (field ids 7 and 8) in <paramref name="version"/>; asserts the
    /// manifest's fields and column indices are theirs and the file is whole. Returns the writer's manifest file version.
    /// </summary>
    public static (uint Major, uint Minor) WriteOneRowAssertingManifestFields(LanceFileVersion version)
    {
        var schema = new Schema([new Field("a", Int32Type.Default, false), new Field("v", StringType.Default, true)], null);
        var id = 7;
        var lance = LanceSchema.FromArrow(schema.FieldsList[0], ref id).Concat(LanceSchema.FromArrow(schema.FieldsList[1], ref id)).ToList();
        using var stream = new MemoryStream();
        using var writer = LanceDataFiles.CreateWriter(stream, schema, lance, version);
        writer.Write(new RecordBatch(schema, [new Int32Array.Builder().Append(1).Build(), new StringArray.Builder().AppendNull().Build()], 1));
        var size = writer.Finish();
        Assert.Equal(stream.Length, size);
        Assert.Equal([7, 8], writer.ManifestFields);
        Assert.Equal([0, 1], writer.ManifestColumnIndices);
        Assert.Equal("LANC"u8.ToArray(), stream.ToArray()[^4..]);
        return writer.FileVersion;
    }
}
