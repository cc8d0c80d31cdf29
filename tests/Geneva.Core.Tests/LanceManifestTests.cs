using System.Buffers.Binary;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;

namespace Geneva.Core.Tests;

/// <summary>
/// Manifests of a dataset LanceDB 0.31 made itself (Fixtures/lance/make_fixture.mjs): version 1 creates
/// fragment 0 (ids 0..4), version 2 appends fragment 1 (ids 5..9), version 3 deletes ids 2 and 7.
/// </summary>
public class LanceManifestTests
{
    private static readonly string s_dataset = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "small.lance");

    private static LanceManifestFile ReadVersion(ulong version) =>
        LanceManifestFile.Read(LanceVersions.ManifestPath(s_dataset, version));

    [Fact]
    public void List_LanceDbDataset_GivesEveryVersionOldestFirst()
    {
        Assert.Equal([1UL, 2UL, 3UL], LanceVersions.List(s_dataset));
        Assert.Equal(3UL, LanceVersions.Latest(s_dataset));
        Assert.True(LanceVersions.TryReadHint(s_dataset, out var hint));
        Assert.Equal(3UL, hint);
    }

    [Fact]
    public void ManifestFileName_Version_IsV2Name()
    {
        Assert.Equal("18446744073709551612.manifest", LanceVersions.ManifestFileName(3));
        Assert.Equal("18446744073709551615.manifest", LanceVersions.ManifestFileName(0));
        Assert.True(File.Exists(LanceVersions.ManifestPath(s_dataset, 3)));
    }

    [Theory]
    [InlineData("18446744073709551612.manifest", true, 3UL)]
    [InlineData("00000000000000000000.manifest", true, ulong.MaxValue)]
    [InlineData("3.manifest", false, 0UL)]
    [InlineData("latest_version_hint.json", false, 0UL)]
    [InlineData("1844674407370955161x.manifest", false, 0UL)]
    [InlineData("18446744073709551616.manifest", false, 0UL)]
    public void TryParseManifestFileName_Name_GivesVersionOfV2NamesOnly(string name, bool parsed, ulong version)
    {
        Assert.Equal(parsed, LanceVersions.TryParseManifestFileName(name, out var got));
        Assert.Equal(version, got);
    }

    [Fact]
    public void List_FolderWithoutVersions_ThrowsTableNotFound()
    {
        var folder = Directory.CreateTempSubdirectory("geneva-lance-").FullName;
        try
        {
            var error = Assert.Throws<GenevaException>(() => LanceVersions.List(folder));
            Assert.Equal(GenevaErrorCode.TableNotFound, error.Code);
            Directory.CreateDirectory(Path.Combine(folder, LanceVersions.VersionsFolder));
            Assert.Empty(LanceVersions.List(folder));
            Assert.Equal(GenevaErrorCode.TableNotFound, Assert.Throws<GenevaException>(() => LanceVersions.Latest(folder)).Code);
            Assert.False(LanceVersions.TryReadHint(folder, out _));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Read_LatestManifest_GivesFieldsWithLogicalTypes()
    {
        var manifest = ReadVersion(3).Manifest;

        Assert.Equal(3UL, manifest.Version);
        Assert.Equal(
            [("id", 0, -1, "int64", false), ("text", 1, -1, "string", true), ("vector", 2, -1, "fixed_size_list:float:4", true)],
            manifest.Fields.Select(f => (f.Name, f.Id, f.ParentId, f.LogicalType, f.Nullable)));
        Assert.Equal("lance", manifest.DataFormat.FileFormat);
        Assert.Equal("2.1", manifest.DataFormat.Version);
        Assert.Equal("lance", manifest.WriterVersion.Library);
        Assert.Equal("8.0.0", manifest.WriterVersion.Version);
        Assert.Equal(1u, manifest.MaxFragmentId);
        Assert.Equal(1UL, manifest.ReaderFeatureFlags);   // deletion files exist
        Assert.False(manifest.HasIndexSection);
    }

    [Fact]
    public void Read_LatestManifest_GivesFragmentsDataFilesAndDeletionFiles()
    {
        var manifest = ReadVersion(3).Manifest;

        Assert.Equal([0UL, 1UL], manifest.Fragments.Select(f => f.Id));
        foreach (var fragment in manifest.Fragments)
        {
            Assert.Equal(5UL, fragment.PhysicalRows);
            var file = Assert.Single(fragment.Files);
            Assert.Equal([0, 1, 2], file.Fields);
            Assert.Equal([0, 1, 2], file.ColumnIndices);
            Assert.Equal((2u, 1u), (file.FileMajorVersion, file.FileMinorVersion));
            var dataPath = Path.Combine(s_dataset, "data", file.Path);
            Assert.Equal((long)file.FileSizeBytes, new FileInfo(dataPath).Length);

            var deletion = fragment.DeletionFile;
            Assert.NotNull(deletion);
            Assert.Equal(DeletionFile.Types.DeletionFileType.ArrowArray, deletion.FileType);
            Assert.Equal(2UL, deletion.ReadVersion);
            Assert.Equal(1UL, deletion.NumDeletedRows);
            Assert.True(File.Exists(Path.Combine(s_dataset, "_deletions", $"{fragment.Id}-{deletion.ReadVersion}-{deletion.Id}.arrow")));
        }
    }

    [Fact]
    public void Read_EarlierVersions_GiveTheirOwnFragments()
    {
        var first = ReadVersion(1).Manifest;
        var second = ReadVersion(2).Manifest;

        Assert.Equal([0UL], first.Fragments.Select(f => f.Id));
        Assert.Equal([0UL, 1UL], second.Fragments.Select(f => f.Id));
        Assert.All(second.Fragments, f => Assert.Null(f.DeletionFile));
        Assert.Equal(0UL, second.ReaderFeatureFlags);
    }

    [Fact]
    public void ReadSection_TransactionSection_GivesTheInlineTransaction()
    {
        var file = ReadVersion(3);

        Assert.True(file.Manifest.HasTransactionSection);
        var section = file.ReadSection(file.Manifest.TransactionSection);
        Assert.Equal(file.Prefix.Length - 4, section.Length);   // the only section before the manifest
        Assert.Equal(GenevaErrorCode.ManifestCorrupt, Assert.Throws<GenevaException>(() => file.ReadSection((ulong)file.Prefix.Length)).Code);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void ToBytes_ReadLanceDbManifest_GivesIdenticalBytes(ulong version)
    {
        var path = LanceVersions.ManifestPath(s_dataset, version);

        Assert.Equal(File.ReadAllBytes(path), LanceManifestFile.Read(path).ToBytes());
    }

    [Fact]
    public void ToBytes_ManifestWithUnknownTopLevelField_KeepsItThroughAChange()
    {
        // A field a newer lance might add: number 999, length-delimited.
        var unknown = new byte[] { 0xBA, 0x3E, 0x05, (byte)'n', (byte)'e', (byte)'w', (byte)'e', (byte)'r' };
        var original = ReadVersion(3);
        var withUnknown = Reframe(original, original.Manifest.ToByteArray().Concat(unknown).ToArray());

        var read = LanceManifestFile.Parse(withUnknown, "with-unknown");
        Assert.Equal(withUnknown, read.ToBytes());

        read.Manifest.Version = 4;
        var rewritten = LanceManifestFile.Parse(read.ToBytes(), "rewritten");
        Assert.Equal(4UL, rewritten.Manifest.Version);
        Assert.True(ManifestBody(rewritten.ToBytes()).AsSpan().IndexOf(unknown) >= 0);
        Assert.NotEqual(original.Manifest, rewritten.Manifest);   // the unknown field is part of the message
    }

    [Fact]
    public void ToBytes_FragmentWithUnknownField_KeepsItAfterTheManifestIsRewritten()
    {
        var unknown = new byte[] { 0xB8, 0x3E, 0x2A };   // field 999, varint 42
        var file = ReadVersion(3);
        var fragment = DataFragment.Parser.ParseFrom(file.Manifest.Fragments[1].ToByteArray().Concat(unknown).ToArray());
        file.Manifest.Fragments[1] = fragment;

        var reread = LanceManifestFile.Parse(file.ToBytes(), "rewritten");

        Assert.EndsWith(Convert.ToHexString(unknown), Convert.ToHexString(reread.Manifest.Fragments[1].ToByteArray()));
        Assert.Equal(file.ToBytes(), reread.ToBytes());
    }

    [Fact]
    public void Create_NewManifest_RoundTripsWithManifestAtStart()
    {
        var manifest = new Manifest { Version = 1, DataFormat = new Manifest.Types.DataStorageFormat { FileFormat = "lance", Version = "2.1" } };
        manifest.Fields.Add(new Field { Name = "id", Id = 0, ParentId = -1, LogicalType = "int64" });

        var bytes = LanceManifestFile.Create(manifest).ToBytes();

        Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 16)));
        Assert.Equal("LANC"u8.ToArray(), bytes[^4..]);
        Assert.Equal(manifest, LanceManifestFile.Parse(bytes, "new").Manifest);
    }

    [Theory]
    [InlineData("magic")]
    [InlineData("position")]
    [InlineData("length")]
    [InlineData("short")]
    [InlineData("version")]
    public void Parse_DamagedFile_ThrowsManifestCorrupt(string damage)
    {
        var bytes = File.ReadAllBytes(LanceVersions.ManifestPath(s_dataset, 3));
        var position = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - 16));
        switch (damage)
        {
            case "magic": bytes[^1] = (byte)'X'; break;
            case "position": BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 16), bytes.Length); break;
            case "length": BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)position), (uint)bytes.Length); break;
            case "short": bytes = bytes[^12..]; break;
            case "version": bytes[^6] = 3; break;
        }

        var error = Assert.Throws<GenevaException>(() => LanceManifestFile.Parse(bytes, "damaged"));
        Assert.Equal(GenevaErrorCode.ManifestCorrupt, error.Code);
    }

    [Fact]
    public void Read_MissingFile_ThrowsVersionNotFound()
    {
        var error = Assert.Throws<GenevaException>(() => ReadVersion(99));
        Assert.Equal(GenevaErrorCode.VersionNotFound, error.Code);
    }

    /// <summary>The file's sections kept, with <paramref name="body"/> as its manifest message.</summary>
    private static byte[] Reframe(LanceManifestFile file, byte[] body)
    {
        var prefix = file.Prefix.ToArray();
        var bytes = new byte[prefix.Length + 4 + body.Length + 16];
        prefix.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(prefix.Length), (uint)body.Length);
        body.CopyTo(bytes, prefix.Length + 4);
        var footer = bytes.AsSpan(bytes.Length - 16);
        BinaryPrimitives.WriteInt64LittleEndian(footer, prefix.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(footer[10..], 2);
        "LANC"u8.CopyTo(footer[12..]);
        return bytes;
    }

    private static byte[] ManifestBody(byte[] file)
    {
        var position = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 16));
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position));
        return file.AsSpan(position + 4, length).ToArray();
    }
}
