using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Proto;
using Geneva.Core.Udfs;
using Google.Protobuf;

namespace Geneva.Core.Tests;

/// <summary>
/// A table's versions as Lance manifests: what we read of a dataset LanceDB made (Fixtures/lance/small.lance:
/// v1 Overwrite, v2 Append, v3 Delete of ids 2 and 7), and what our commits write on top of it.
/// </summary>
public class LanceTableCommitTests
{
    private static readonly string s_fixture = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "small.lance");

    private static string CopyFixture(TestFolder folder, string name = "small.lance") => TestData.CopyLanceFixture(folder, name);

    [Fact]
    public void Open_LanceDbDataset_MapsFieldsFragmentsAndDeletions()
    {
        var table = GenevaTable.Open(s_fixture);
        Assert.Equal(3, table.Version);
        Assert.Equal([(0, "id", "int64"), (1, "text", "utf8"), (2, "vector", "fixed_size_list<float32>[4]")],
            table.Manifest.Fields.Select(f => (f.Id, f.Name, f.Type)));
        Assert.Equal([0, 1], table.Manifest.Fragments.Select(f => f.Id));
        Assert.All(table.Manifest.Fragments, f => Assert.Equal((5, 1, 4), (f.RowCount, f.DeletedRows, f.LiveRowCount)));
        Assert.Equal(8, table.Manifest.RowCount);
        Assert.Equal(3, table.Manifest.NextFieldId);
        Assert.Equal(2, table.Manifest.NextFragmentId);
        Assert.All(table.Manifest.Fragments, f => Assert.StartsWith("data/", Assert.Single(f.Files).Path));
    }

    [Fact]
    public void ListVersions_LanceDbDataset_NamesLanceOperations()
    {
        var versions = GenevaTable.Open(s_fixture).ListVersions();
        Assert.Equal([(1L, "overwrite"), (2L, "append"), (3L, "delete")], versions.Select(v => (v.Version, v.Operation)));
        Assert.Equal("id = 2 OR id = 7", versions[2].Detail);
        Assert.Equal([5L, 10L, 8L], versions.Select(v => v.RowCount));
    }

    [Fact]
    public void Open_VersionRemovedByCleanup_ThrowsVersionNotFoundSayingSo()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        File.Delete(LanceVersions.ManifestPath(path, 1));
        var e = Assert.Throws<GenevaException>(() => GenevaTable.Open(path, 1));
        Assert.Equal(GenevaErrorCode.VersionNotFound, e.Code);
        Assert.Contains("cleanup", e.Message);
        Assert.Equal(3, GenevaTable.Open(path).Version);
    }

    [Fact]
    public void AddColumn_OnLanceDbDataset_CommitsMergeWithTransactionHintAndNewFieldId()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        var table = GenevaTable.Open(path).AddColumn("score", "float64", null);

        Assert.Equal(4, table.Version);
        Assert.True(LanceVersions.TryReadHint(path, out var hint));
        Assert.Equal(4UL, hint);
        var file = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 4));
        Assert.Equal("geneva", file.Manifest.WriterVersion.Library);
        var field = Assert.Single(file.Manifest.Fields, f => f.Name == "score");
        Assert.Equal(3, field.Id);
        Assert.Equal("double", field.LogicalType);
        var transaction = LanceTransactionFile.Read(path, file.Manifest.TransactionFile);
        Assert.Equal(3UL, transaction.ReadVersion);
        Assert.Equal(Transaction.OperationOneofCase.Merge, transaction.OperationCase);
        Assert.Equal(("add_column", "score"), ManifestStore.ReadOperation(path, 4));
        // LanceDB's deletions and fragments are carried as they were.
        var before = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 3)).Manifest;
        Assert.Equal(before.Fragments, file.Manifest.Fragments);
        Assert.Equal(before.ReaderFeatureFlags, file.Manifest.ReaderFeatureFlags);
    }

    [Fact]
    public void Commit_ManifestWithFieldsThisBuildDoesNotKnow_KeepsThem()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        // Version 4: version 3 with an unknown field (number 999) on the manifest and on a fragment.
        var v3 = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 3));
        var manifest = v3.Manifest.Clone();
        manifest.Version = 4;
        var unknown = UnknownField(999, "from a newer lance");
        manifest.MergeFrom(unknown);
        var fragment = manifest.Fragments[0];
        fragment.MergeFrom(unknown);
        File.WriteAllBytes(LanceVersions.ManifestPath(path, 4), LanceManifestFile.Create(manifest).ToBytes());

        var table = GenevaTable.Open(path).SetBinding("text", Udf("id"));
        Assert.Equal(5, table.Version);

        var written = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 5)).Manifest;
        Assert.True(written.ToByteArray().AsSpan().IndexOf(unknown.Span) >= 0, "the manifest's unknown field is gone");
        Assert.True(written.Fragments[0].ToByteArray().AsSpan().IndexOf(unknown.Span) >= 0, "the fragment's unknown field is gone");
        // The binding lives in the field's metadata, where LanceDB keeps it.
        var text = written.Fields.Single(f => f.Name == "text");
        Assert.True(text.Metadata.ContainsKey(GenevaLanceMetadata.UdfKey));
        Assert.Equal("id", GenevaTable.Open(path).Manifest.FindBinding("text")!.InputColumns.Single());
    }

    [Fact]
    public void Commit_DatasetWithIndexSection_CarriesItForward()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        var v3 = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 3));
        var manifest = v3.Manifest.Clone();
        manifest.Version = 4;
        var section = new IndexSection();
        section.Indices.Add(new IndexMetadata { Name = "vector_idx", DatasetVersion = 3, Fields = { 2 } });
        File.WriteAllBytes(LanceVersions.ManifestPath(path, 4), LanceManifestFile.Create(manifest, section.ToByteArray()).ToBytes());

        GenevaTable.Open(path).AddColumn("score", "int32", null);

        var written = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 5));
        Assert.True(written.Manifest.HasIndexSection);
        var carried = IndexSection.Parser.ParseFrom(written.ReadSection(written.Manifest.IndexSection).Span);
        Assert.Equal(section, carried);
    }

    private static UdfSpec Udf(string input) => new()
    {
        Name = "copy",
        Kind = UdfKind.Expression,
        Source = input,
        InputColumns = [input],
        OutputType = "utf8",
    };

    private static ByteString UnknownField(int number, string value)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }

    [Fact]
    public void Backfill_OnADatasetLanceDbMadeIn20_Writes20Files()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder, "types20.lance");
        var table = GenevaTable.Open(path).AddColumn("twice", "int64", TestData.Expression("id * 2"));
        var result = new Geneva.Core.Execution.BackfillCoordinator().Start(table, new Geneva.Core.Planning.BackfillRequest { Column = "twice" });

        Assert.Equal(Geneva.Core.Checkpoints.JobStatus.Done, result.Status);
        var latest = GenevaTable.Open(path);
        var twice = latest.Manifest.GetField("twice").Id;
        Assert.All(latest.Manifest.Fragments, f => Assert.Equal((2u, 0u), Assert.Single(f.FilesFor(twice)).FileVersion));
        Assert.Equal("2.0", LanceManifestFile.Read(LanceVersions.ManifestPath(path, (ulong)latest.Version)).Manifest.DataFormat.Version);
        Assert.Equal(TestData.Column(latest, "id").Select(v => (object?)((long)v! * 2)), TestData.Column(latest, "twice"));
    }

    [Fact]
    public void Commit_DatasetWithStableRowIds_IsRefusedAndReadingStillWorks()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        var manifest = LanceManifestFile.Read(LanceVersions.ManifestPath(path, 3)).Manifest.Clone();
        manifest.Version = 4;
        manifest.ReaderFeatureFlags |= 2;
        manifest.WriterFeatureFlags |= 2;
        File.WriteAllBytes(LanceVersions.ManifestPath(path, 4), LanceManifestFile.Create(manifest).ToBytes());

        var table = GenevaTable.Open(path);
        Assert.Equal(8, table.Manifest.RowCount);
        var e = Assert.Throws<GenevaException>(() => table.AddColumn("x", "int32", null));
        Assert.Equal(GenevaErrorCode.TableFeatureUnsupported, e.Code);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], LanceVersions.List(path));
    }
}
