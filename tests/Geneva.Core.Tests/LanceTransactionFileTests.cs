using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Tests;

/// <summary>
/// Transactions of the dataset LanceDB 0.31 made (Fixtures/lance/make_fixture.mjs): version 1 creates
/// fragment 0 (Overwrite), version 2 appends fragment 1 (Append), version 3 deletes ids 2 and 7 (Delete),
/// which updates both fragments.
/// </summary>
public class LanceTransactionFileTests
{
    private static readonly string s_dataset = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "small.lance");

    private static LanceManifestFile ReadVersion(ulong version) =>
        LanceManifestFile.Read(LanceVersions.ManifestPath(s_dataset, version));

    [Fact]
    public void Read_TransactionFiles_GiveOverwriteAppendDeleteWithTheirFragments()
    {
        var first = LanceTransactionFile.Read(s_dataset, ReadVersion(1).Manifest.TransactionFile);
        var second = LanceTransactionFile.Read(s_dataset, ReadVersion(2).Manifest.TransactionFile);
        var third = LanceTransactionFile.Read(s_dataset, ReadVersion(3).Manifest.TransactionFile);

        Assert.Equal(Transaction.OperationOneofCase.Overwrite, first.OperationCase);
        Assert.Equal(0UL, first.ReadVersion);
        // Overwrite and Append carry new fragments before ids are assigned (id 0); their data files say which
        // fragment of the manifest each became.
        Assert.Equal([(0UL, 5UL)], first.Overwrite.Fragments.Select(f => (f.Id, f.PhysicalRows)));
        Assert.Equal(DataFilePath(1, 0), Assert.Single(Assert.Single(first.Overwrite.Fragments).Files).Path);
        Assert.Equal(["id", "text", "vector"], first.Overwrite.Schema.Where(f => f.ParentId == -1).Select(f => f.Name));

        Assert.Equal(Transaction.OperationOneofCase.Append, second.OperationCase);
        Assert.Equal(1UL, second.ReadVersion);
        Assert.Equal([(0UL, 5UL)], second.Append.Fragments.Select(f => (f.Id, f.PhysicalRows)));
        Assert.Equal(DataFilePath(2, 1), Assert.Single(Assert.Single(second.Append.Fragments).Files).Path);
        Assert.NotEqual(DataFilePath(2, 0), DataFilePath(2, 1));

        Assert.Equal(Transaction.OperationOneofCase.Delete, third.OperationCase);
        Assert.Equal(2UL, third.ReadVersion);
        Assert.Equal([0UL, 1UL], third.Delete.UpdatedFragments.Select(f => f.Id));   // existing fragments: real ids
        Assert.All(third.Delete.UpdatedFragments, f => Assert.Equal(1UL, f.DeletionFile.NumDeletedRows));
        Assert.Empty(third.Delete.DeletedFragmentIds);
        Assert.Equal("id = 2 OR id = 7", third.Delete.Predicate);
    }

    /// <summary>The data file of fragment <paramref name="fragmentId"/> in <paramref name="version"/>'s manifest.</summary>
    private static string DataFilePath(ulong version, ulong fragmentId) =>
        Assert.Single(ReadVersion(version).Manifest.Fragments.Single(f => f.Id == fragmentId).Files).Path;

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void ReadInline_LanceDbManifest_EqualsItsTransactionFile(ulong version)
    {
        var file = ReadVersion(version);

        var inline = LanceTransactionFile.ReadInline(file);

        Assert.NotNull(inline);
        Assert.Equal(LanceTransactionFile.Read(s_dataset, file.Manifest.TransactionFile), inline);
        Assert.Equal(inline, LanceTransactionFile.ForVersion(s_dataset, version));
    }

    [Fact]
    public void FileName_Transaction_IsReadVersionAndUuid()
    {
        var file = ReadVersion(3);
        var transaction = LanceTransactionFile.Read(s_dataset, file.Manifest.TransactionFile);

        Assert.Equal(file.Manifest.TransactionFile, LanceTransactionFile.FileName(transaction));
        Assert.StartsWith("2-", file.Manifest.TransactionFile);
        Assert.True(File.Exists(Path.Combine(s_dataset, LanceTransactionFile.TransactionsFolder, file.Manifest.TransactionFile)));
    }

    [Fact]
    public void ReadInline_ManifestWithoutSection_GivesNull()
    {
        var manifest = ReadVersion(3).Manifest.Clone();
        manifest.ClearTransactionSection();

        Assert.Null(LanceTransactionFile.ReadInline(LanceManifestFile.Create(manifest)));
    }

    [Fact]
    public void Read_MissingFile_ThrowsManifestCorrupt()
    {
        var error = Assert.Throws<GenevaException>(() => LanceTransactionFile.Read(s_dataset, "9-none.txn"));
        Assert.Equal(GenevaErrorCode.ManifestCorrupt, error.Code);
    }

    [Fact]
    public void Parse_NotProtobuf_ThrowsManifestCorrupt()
    {
        var error = Assert.Throws<GenevaException>(() => LanceTransactionFile.Parse([0xFF, 0xFF, 0xFF], "test"));
        Assert.Equal(GenevaErrorCode.ManifestCorrupt, error.Code);
    }
}
