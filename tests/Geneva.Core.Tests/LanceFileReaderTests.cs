using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

/// <summary>Bad, truncated and foreign files give DataFileCorrupt naming the file (and the column where there is one).</summary>
public sealed class LanceFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lancefile-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string WriteGood()
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.lance");
        LanceFileTestData.Write(path, [
            LanceFileTestData.Make(Int32Type.Default, 5000, 0.1, new Random(1)),
            LanceFileTestData.Make(StringType.Default, 5000, 0.1, new Random(2)),
        ], 5000);
        return path;
    }

    private static void AssertCorrupt(string path, Action<LanceFileReader>? read = null)
    {
        var error = Assert.Throws<GenevaException>(() =>
        {
            using var reader = LanceFileReader.Open(path);
            read?.Invoke(reader);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    [InlineData(1000)]
    [InlineData(-1)]
    [InlineData(-41)]
    public void Open_TruncatedFile_DataFileCorrupt(int keep)
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_NotALanceFile_DataFileCorrupt()
    {
        var path = Path.Combine(_dir, "text.lance");
        File.WriteAllText(path, new string('x', 500));
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_FooterPositionsWrong_DataFileCorrupt()
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 40), (ulong)bytes.Length * 2);
        File.WriteAllBytes(path, bytes);
        AssertCorrupt(path);
    }

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
    public void Open_ColumnMetadataGarbled_DataFileCorrupt()
    {
        var path = WriteGood();
        var bytes = File.ReadAllBytes(path);
        var metadataStart = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 40));
        var tableStart = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 32));
        bytes.AsSpan(metadataStart, tableStart - metadataStart).Fill(0xFF);
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
        var error = Assert.Throws<GenevaException>(() =>
        {
            using var reader = LanceFileReader.Open(path);
            reader.Read(0, 0, 5000);
            reader.Read(1, 0, 5000);
        });
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
        Assert.Contains("column 'c", error.Message);
    }

    [Fact]
    public void Open_MissingFile_DataFileCorrupt()
    {
        var error = Assert.Throws<GenevaException>(() => LanceFileReader.Open(Path.Combine(_dir, "none.lance")));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void Read_RowsOutsideFileOrUnknownField_Throws()
    {
        using var reader = LanceFileReader.Open(WriteGood());
        Assert.Equal(GenevaErrorCode.InvalidArgument, Assert.Throws<GenevaException>(() => reader.Read(0, 4990, 11)).Code);
        Assert.Equal(GenevaErrorCode.ColumnNotFound, Assert.Throws<GenevaException>(() => reader.Read(5, 0, 1)).Code);
        Assert.Equal(0, reader.Read(1, 5000, 0).Length);
    }
}
