using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>
/// Datasets in storage versions Geneva neither reads nor writes (LanceDB's "legacy" 0.1 files and 2.2, made by
/// LanceDB 0.31 in Fixtures/lance): they open, but reading names the format and writing is refused untouched.
/// </summary>
public class LanceStorageVersionTests
{
    private static string Fixture(string name) => Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", name);

    private static string CopyFixture(TestFolder folder, string name) => TestData.CopyLanceFixture(folder, name);

    [Theory]
    [InlineData("legacy.lance", "legacy Lance file format 0.2")]
    [InlineData("v22.lance", "file format version 2.2")]
    public void Scan_UnreadableStorageVersion_ThrowsNamingTheFormat(string name, string expected)
    {
        var table = GenevaTable.Open(Fixture(name));
        Assert.Equal(2, table.Manifest.RowCount);
        var e = Assert.Throws<Storage.Lance.Files.LanceUnsupportedEncodingException>(() => table.Scan().ToList());
        Assert.Contains(expected, e.Message);
        Assert.Contains(".lance", e.Message);
    }

    [Theory]
    [InlineData("legacy.lance", "legacy (0.1)")]
    [InlineData("v22.lance", "Lance 2.2 data files")]
    public void AddColumn_UnwritableStorageVersion_ThrowsTableFeatureUnsupportedAndCommitsNothing(string name, string expected)
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder, name);
        var before = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order().ToList();
        var table = GenevaTable.Open(path);
        var e = Assert.Throws<GenevaException>(() => table.AddColumn("twice", "float64", TestData.Expression("id * 2", "float64")));
        Assert.Equal(GenevaErrorCode.TableFeatureUnsupported, e.Code);
        Assert.Contains(expected, e.Message);
        Assert.Equal(before, Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order().ToList());
        Assert.Equal(1, GenevaTable.Open(path).Version);
    }
}
