using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

/// <summary>Bad, truncated and foreign files give DataFileCorrupt naming the file (and the column where there is one).</summary>
public sealed class LanceFileReaderTests() : LanceDataFileReaderContractTests("lancefile-bad-")
{
    private protected override string WriteGood()
    {
        var path = Path.Combine(Dir, $"{Guid.NewGuid():N}.lance");
        LanceFileTestData.Write(path, [
            LanceFileTestData.Make(Int32Type.Default, 5000, 0.1, new Random(1)),
            LanceFileTestData.Make(StringType.Default, 5000, 0.1, new Random(2)),
        ], 5000);
        return path;
    }

    private protected override ILanceDataFileReader Open(string path) => LanceFileReader.Open(path);

    private static void AssertCorrupt(string path, Action<LanceFileReader> read) =>
        LanceFileTestData.AssertCorrupt(path, LanceFileReader.Open, read);

    [Fact]
    public void Open_UnknownVersion_DataFileCorrupt()
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(bytes.Length - 6), 9);
        File.WriteAllBytes(path, bytes);
        AssertCorrupt(path);
    }

    [Fact]
    public void Read_PageDataGarbled_DataFileCorruptNamingTheColumn()
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        // The pages come first: overwrite the data of both columns (chunk headers included).
        bytes.AsSpan(0, 40_000).Fill(0xEE);
        File.WriteAllBytes(path, bytes);
        var error = Assert.ThrowsAny<GenevaException>(() =>
        {
            using var reader = LanceFileReader.Open(path);
            reader.Read(0, 0, 5000);
            reader.Read(1, 0, 5000);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("column 'c", error.Message);
    }

    [Fact]
    public void Read_RowsOutsideFileOrUnknownField_Throws()
    {
        using var reader = LanceFileReader.Open(WriteGood());
        Assert.Equal(GenevaErrorCode.InvalidArgument, Assert.ThrowsAny<GenevaException>(() => reader.Read(0, 4990, 11)).Code);
        Assert.Equal(GenevaErrorCode.ColumnNotFound, Assert.ThrowsAny<GenevaException>(() => reader.Read(5, 0, 1)).Code);
        Assert.Equal(0, reader.Read(1, 5000, 0).Length);
    }

    private static readonly string s_fixtures = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance");

    [Fact]
    public void Read_LanceDbMadeSmallFile_GivesItsRows()
    {
        // Fragment 0 of small.lance (make_fixture.mjs): row i is id i, text "row i", vector [i, i + 0.5, -i, 0.25].
        using var reader = LanceFileReader.Open(Path.Combine(s_fixtures, "small.lance", "data", "010101110001000111011110a1850844cfa81f68a18e6a2751.lance"));
        Assert.Equal(5, reader.RowCount);
        Assert.Equal(["id", "text", "vector"], reader.Fields.Select(f => f.Name));
        Assert.Equal([0L, 1, 2, 3, 4], ((Int64Array)reader.Read(0, 0, 5)).Values.ToArray());
        var text = (StringArray)reader.Read(1, 1, 3);
        Assert.Equal(["row 1", "row 2", "row 3"], Enumerable.Range(0, 3).Select(i => text.GetString(i)));
        var vector = (FixedSizeListArray)reader.Read(2, 3, 1);
        Assert.Equal([3f, 3.5f, -3f, 0.25f], ((FloatArray)vector.Values).Values.ToArray());
    }

    [Fact]
    public void Read_LanceDBBitpackedIds_DecodesThem()
    {
        // LanceDB bitpacks the 20,000 ids of bitmap.lance (InlineBitpacking); encodings Geneva refuses are in LanceMiniBlockCorruptionTests.
        var path = Directory.GetFiles(Path.Combine(s_fixtures, "bitmap.lance", "data"), "*.lance").Single();
        using var reader = LanceFileReader.Open(path);
        Assert.Equal(20_000, reader.RowCount);
        Assert.True(reader.CanRead(0));
        var ids = (Int64Array)reader.Read(0, 1000, 19_000);
        Assert.Equal(Enumerable.Range(1000, 19_000).Select(i => (long?)i), ids);
    }
}
