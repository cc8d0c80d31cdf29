using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance;
using DeletionFile = Geneva.Core.Storage.Lance.Proto.DeletionFile;

namespace Geneva.Core.Tests;

/// <summary>
/// Deletion files: the Arrow IPC ones LanceDB 0.31 wrote for the fixture (Fixtures/lance/make_fixture.mjs
/// deletes ids 2 and 7: fragment 0 holds ids 0..4 and fragment 1 ids 5..9, so offset 2 in each), compressed
/// ones written here with Apache.Arrow, the roaring bitmap LanceDB wrote for Fixtures/lance/bitmap.lance (it
/// writes that form above about 5,000 deletions in a fragment), and bitmaps built by hand from RoaringFormatSpec
/// for the container kinds LanceDB's did not use.
/// </summary>
public class LanceDeletionFileTests
{
    private static readonly string s_dataset = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "small.lance");

    [Fact]
    public void Read_LanceDbArrowDeletionFiles_GivesTheDeletedOffsetOfEachFragment()
    {
        var manifest = LanceManifestFile.Read(LanceVersions.ManifestPath(s_dataset, 3)).Manifest;

        var deleted = manifest.Fragments.ToDictionary(f => f.Id, f => LanceDeletionFile.Read(s_dataset, f.Id, f.DeletionFile));

        Assert.Equal([2u], deleted[0]);   // id 2 of ids 0..4
        Assert.Equal([2u], deleted[1]);   // id 7 of ids 5..9
    }

    [Fact]
    public void Read_LanceDbBitmapDeletionFile_GivesEveryDeletedOffset()
    {
        // Fixtures/lance/make_bitmap_fixture.mjs: one fragment of ids 0..19999, then ids below 15000 not divisible
        // by 3, and id 19999, deleted.
        var dataset = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "bitmap.lance");
        var fragment = Assert.Single(LanceManifestFile.Read(LanceVersions.ManifestPath(dataset, 2)).Manifest.Fragments);
        Assert.Equal(DeletionFile.Types.DeletionFileType.Bitmap, fragment.DeletionFile.FileType);

        var deleted = LanceDeletionFile.Read(dataset, fragment.Id, fragment.DeletionFile);

        var expected = Enumerable.Range(0, 15000).Where(i => i % 3 != 0).Append(19999).Select(i => (uint)i);
        Assert.Equal(expected, deleted);
    }

    [Fact]
    public void Read_FragmentWithoutDeletionFile_GivesNoOffsets()
    {
        var manifest = LanceManifestFile.Read(LanceVersions.ManifestPath(s_dataset, 2)).Manifest;

        Assert.All(manifest.Fragments, f => Assert.Empty(LanceDeletionFile.Read(s_dataset, f.Id, f.DeletionFile)));
    }

    [Fact]
    public void RelativePath_DeletionFile_FollowsLanceNaming()
    {
        var arrow = new DeletionFile { FileType = DeletionFile.Types.DeletionFileType.ArrowArray, ReadVersion = 2, Id = 77 };
        var bitmap = new DeletionFile { FileType = DeletionFile.Types.DeletionFileType.Bitmap, ReadVersion = 5, Id = 9 };

        Assert.Equal("_deletions/3-2-77.arrow", LanceDeletionFile.RelativePath(3, arrow));
        Assert.Equal("_deletions/0-5-9.bin", LanceDeletionFile.RelativePath(0, bitmap));
    }

    [Fact]
    public void Read_CountDisagreesWithManifest_ThrowsDataFileCorrupt()
    {
        var fragment = LanceManifestFile.Read(LanceVersions.ManifestPath(s_dataset, 3)).Manifest.Fragments[0];
        var deletion = fragment.DeletionFile.Clone();
        deletion.NumDeletedRows = 2;

        var error = Assert.Throws<GenevaException>(() => LanceDeletionFile.Read(s_dataset, fragment.Id, deletion));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void Read_MissingFile_ThrowsDataFileCorrupt()
    {
        var deletion = new DeletionFile { FileType = DeletionFile.Types.DeletionFileType.ArrowArray, ReadVersion = 9, Id = 1, NumDeletedRows = 1 };

        var error = Assert.Throws<GenevaException>(() => LanceDeletionFile.Read(s_dataset, 0, deletion));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CompressionCodecType.Zstd)]
    [InlineData(CompressionCodecType.Lz4Frame)]
    public void ParseArrow_PlainOrCompressedBuffers_GivesSortedOffsets(CompressionCodecType? codec)
    {
        uint[] offsets = [4000, 7, 0, 123456, 7, 19];

        var bytes = WriteArrow(new UInt32Array.Builder().AppendRange(offsets).Build(), codec);

        Assert.Equal([0u, 7u, 19u, 4000u, 123456u], LanceDeletionFile.ParseArrow(bytes, "test"));
    }

    [Fact]
    public void ParseArrow_Int32Column_GivesOffsets()
    {
        var bytes = WriteArrow(new Int32Array.Builder().AppendRange([5, 1]).Build(), CompressionCodecType.Zstd);

        Assert.Equal([1u, 5u], LanceDeletionFile.ParseArrow(bytes, "test"));
    }

    [Fact]
    public void ParseArrow_NotArrow_ThrowsDataFileCorrupt()
    {
        var error = Assert.Throws<GenevaException>(() => LanceDeletionFile.ParseArrow("not an arrow file at all"u8.ToArray(), "test"));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void ParseArrow_StringColumn_ThrowsDataFileCorrupt()
    {
        var bytes = WriteArrow(new StringArray.Builder().Append("x").Build(), null);

        var error = Assert.Throws<GenevaException>(() => LanceDeletionFile.ParseArrow(bytes, "test"));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void ParseRoaring_NoRunCookieArrayAndBitmapContainers_GivesEveryOffset()
    {
        // Container key 0: array {1, 5, 65535}; key 2: bitmap of the 5,000 even values 0..9998.
        var evens = Enumerable.Range(0, 5000).Select(i => (ushort)(i * 2)).ToArray();
        var bytes = new List<byte>();
        U32(bytes, 12346);
        U32(bytes, 2);
        U16(bytes, 0); U16(bytes, 3 - 1);
        U16(bytes, 2); U16(bytes, 5000 - 1);
        var offsetsAt = bytes.Count;
        U32(bytes, 0); U32(bytes, 0);
        SetU32(bytes, offsetsAt, (uint)bytes.Count);
        U16(bytes, 1); U16(bytes, 5); U16(bytes, 65535);
        SetU32(bytes, offsetsAt + 4, (uint)bytes.Count);
        bytes.AddRange(Bitmap(evens));

        var expected = new uint[] { 1, 5, 65535 }.Concat(evens.Select(v => (2u << 16) | v)).ToArray();
        Assert.Equal(expected, LanceDeletionFile.ParseRoaring(bytes.ToArray(), "test"));
    }

    [Fact]
    public void ParseRoaring_RunCookieWithRunAndArrayContainers_GivesEveryOffset()
    {
        // Two containers (under the offset-header threshold): key 0 runs [10..14] and [100..100]; key 1 array {3}.
        var bytes = new List<byte>();
        U32(bytes, 12347u | ((2u - 1) << 16));
        bytes.Add(0b01);   // container 0 is a run container
        U16(bytes, 0); U16(bytes, 6 - 1);
        U16(bytes, 1); U16(bytes, 1 - 1);
        U16(bytes, 2); U16(bytes, 10); U16(bytes, 4); U16(bytes, 100); U16(bytes, 0);
        U16(bytes, 3);

        Assert.Equal([10u, 11u, 12u, 13u, 14u, 100u, 65536u + 3], LanceDeletionFile.ParseRoaring(bytes.ToArray(), "test"));
    }

    [Fact]
    public void ParseRoaring_RunCookieWithFourContainers_SkipsTheOffsetHeader()
    {
        var bytes = new List<byte>();
        U32(bytes, 12347u | ((4u - 1) << 16));
        bytes.Add(0b1000);   // container 3 is a run container
        for (ushort key = 0; key < 4; key++)
        {
            U16(bytes, key); U16(bytes, key == 3 ? (ushort)2 : (ushort)0);
        }
        for (var i = 0; i < 4; i++)
        {
            U32(bytes, 0xDEADBEEF);   // offsets are not needed to read the containers in order
        }
        U16(bytes, 7); U16(bytes, 8); U16(bytes, 9);
        U16(bytes, 1); U16(bytes, 0); U16(bytes, 2);

        Assert.Equal([7u, 65536u + 8, 131072u + 9, 196608u, 196609u, 196610u], LanceDeletionFile.ParseRoaring(bytes.ToArray(), "test"));
    }

    [Fact]
    public void ParseRoaring_EmptyBitmap_GivesNoOffsets()
    {
        var bytes = new List<byte>();
        U32(bytes, 12346);
        U32(bytes, 0);

        Assert.Empty(LanceDeletionFile.ParseRoaring(bytes.ToArray(), "test"));
    }

    [Theory]
    [InlineData("cookie")]
    [InlineData("truncated")]
    [InlineData("unsorted")]
    [InlineData("cardinality")]
    public void ParseRoaring_DamagedBitmap_ThrowsDataFileCorrupt(string damage)
    {
        var bytes = new List<byte>();
        U32(bytes, damage == "cookie" ? 999u : 12346u);
        U32(bytes, 1);
        U16(bytes, 0); U16(bytes, damage == "cardinality" ? (ushort)4999 : (ushort)(2 - 1));
        U32(bytes, 16);
        if (damage == "cardinality")
        {
            bytes.AddRange(Bitmap([1, 2, 3]));
        }
        else
        {
            U16(bytes, 9); U16(bytes, damage == "unsorted" ? (ushort)4 : (ushort)12);
        }
        var array = damage == "truncated" ? bytes.ToArray()[..^1] : bytes.ToArray();

        var error = Assert.Throws<GenevaException>(() => LanceDeletionFile.ParseRoaring(array, "test"));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, error.Code);
    }

    [Fact]
    public void Read_BitmapDeletionFileInDataset_GivesItsOffsets()
    {
        var dataset = Directory.CreateTempSubdirectory("geneva-lance-").FullName;
        try
        {
            var deletion = new DeletionFile { FileType = DeletionFile.Types.DeletionFileType.Bitmap, ReadVersion = 4, Id = 11, NumDeletedRows = 2 };
            var bytes = new List<byte>();
            U32(bytes, 12346); U32(bytes, 1);
            U16(bytes, 0); U16(bytes, 1);
            U32(bytes, 16);
            U16(bytes, 3); U16(bytes, 8);
            Directory.CreateDirectory(Path.Combine(dataset, "_deletions"));
            File.WriteAllBytes(Path.Combine(dataset, "_deletions", "6-4-11.bin"), bytes.ToArray());

            Assert.Equal([3u, 8u], LanceDeletionFile.Read(dataset, 6, deletion));
        }
        finally
        {
            Directory.Delete(dataset, recursive: true);
        }
    }

    private static byte[] WriteArrow(IArrowArray column, CompressionCodecType? codec)
    {
        var schema = new Schema([new Field("row_id", column.Data.DataType, nullable: false)], null);
        var options = codec is { } type
            ? new IpcOptions { CompressionCodec = type, CompressionCodecFactory = new CompressionCodecFactory() }
            : new IpcOptions();
        using var stream = new MemoryStream();
        using (var writer = new ArrowFileWriter(stream, schema, leaveOpen: true, options))
        {
            writer.WriteRecordBatch(new RecordBatch(schema, [column], column.Length));
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    private static byte[] Bitmap(IEnumerable<ushort> values)
    {
        var words = new byte[8192];
        foreach (var value in values)
        {
            words[value / 8] |= (byte)(1 << (value % 8));
        }
        return words;
    }

    private static void U16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)value);
        bytes.Add((byte)(value >> 8));
    }

    private static void U32(List<byte> bytes, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer.ToArray());
    }

    private static void SetU32(List<byte> bytes, int at, uint value)
    {
        for (var i = 0; i < 4; i++)
        {
            bytes[at + i] = (byte)(value >> (8 * i));
        }
    }
}
