using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

/// <summary>
/// What every data file reader (2.0 and 2.1) does with bad, truncated and foreign files: DataFileCorrupt
/// naming the file. The file tail is the same in both formats, so are these tests.
/// </summary>
public abstract class LanceDataFileReaderContractTests : IDisposable
{
    protected LanceDataFileReaderContractTests(string dirPrefix)
    {
        Dir = Directory.CreateTempSubdirectory(dirPrefix).FullName;
    }

    protected string Dir { get; }

    public void Dispose()
    {
        Directory.Delete(Dir, true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes a good file of a few columns in the reader's format under <see cref="Dir"/>; returns its path.</summary>
    private protected abstract string WriteGood();

    private protected abstract ILanceDataFileReader Open(string path);

    private protected void AssertCorrupt(string path) => LanceFileTestData.AssertCorrupt(path, Open);

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    [InlineData(1000)]
    [InlineData(-1)]
    [InlineData(-41)]
    public void Open_TruncatedFile_DataFileCorrupt(int keep)
    {
        var path = WriteGood();
        LanceFileTestData.Truncate(path, keep);
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_NotALanceFile_DataFileCorrupt()
    {
        var path = Path.Combine(Dir, "text.lance");
        File.WriteAllText(path, new string('x', 500));
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_MissingFile_DataFileCorrupt()
    {
        var error = Assert.ThrowsAny<GenevaException>(() => Open(Path.Combine(Dir, "none.lance")));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void Open_FooterPositionsWrong_DataFileCorrupt()
    {
        var path = WriteGood();
        LanceFileTestData.BreakFooterPositions(path);
        AssertCorrupt(path);
    }

    [Fact]
    public void Open_ColumnMetadataGarbled_DataFileCorrupt()
    {
        var path = WriteGood();
        LanceFileTestData.GarbleColumnMetadata(path);
        AssertCorrupt(path);
    }
}
