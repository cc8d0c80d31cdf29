using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// A fragment's Lance deletion file: the offsets (0-based, within the fragment's physical rows) of its
/// deleted rows. It lives at <c>_deletions/{fragment_id}-{read_version}-{id}.{arrow|bin}</c>:
/// <list type="bullet">
/// <item><c>.arrow</c> (<c>ARROW_ARRAY</c>): an Arrow IPC file with one 32-bit integer column of
/// offsets, its buffers plain or zstd/lz4-compressed (Apache.Arrow.Compression decodes those);</item>
/// <item><c>.bin</c> (<c>BITMAP</c>): a roaring bitmap in the portable serialization
/// (github.com/RoaringBitmap/RoaringFormatSpec), read here by <see cref="ParseRoaring"/>.</item>
/// </list>
/// </summary>
internal static class LanceDeletionFile
{
    public const string DeletionsFolder = "_deletions";

    // Portable roaring format: cookies and limits from RoaringFormatSpec.
    private const uint SerialCookieNoRunContainer = 12346;
    private const ushort SerialCookie = 12347;
    private const int NoOffsetThreshold = 4;
    private const int MaxArrayContainerCardinality = 4096;
    private const int BitmapContainerBytes = 8192;

    /// <summary>The file's path relative to the dataset: <c>_deletions/{fragment}-{read_version}-{id}.{ext}</c>.</summary>
    public static string RelativePath(ulong fragmentId, DeletionFile deletion)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        var extension = deletion.FileType switch
        {
            DeletionFile.Types.DeletionFileType.ArrowArray => "arrow",
            DeletionFile.Types.DeletionFileType.Bitmap => "bin",
            var other => throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"Fragment {fragmentId} has a deletion file of unknown type {(int)other}."),
        };
        return $"{DeletionsFolder}/{fragmentId}-{deletion.ReadVersion}-{deletion.Id}.{extension}";
    }

    /// <summary>
    /// The deleted row offsets of fragment <paramref name="fragmentId"/> in the dataset at
    /// <paramref name="datasetPath"/>, sorted and distinct; empty when <paramref name="deletion"/> is null.
    /// </summary>
    public static uint[] Read(string datasetPath, ulong fragmentId, DeletionFile? deletion)
    {
        if (deletion is null)
        {
            return [];
        }
        if (deletion.HasBaseId)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Fragment {fragmentId}'s deletion file lives in another dataset (base path {deletion.BaseId}), which is not supported.",
                datasetPath);
        }
        var path = Path.Combine(datasetPath, RelativePath(fragmentId, deletion));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Fragment {fragmentId}'s deletion file '{path}' is missing.", path, e);
        }
        var offsets = deletion.FileType == DeletionFile.Types.DeletionFileType.Bitmap
            ? ParseRoaring(bytes, path)
            : ParseArrow(bytes, path);
        // num_deleted_rows is 0 in files from lance versions that did not record it.
        if (deletion.NumDeletedRows != 0 && deletion.NumDeletedRows != (ulong)offsets.Length)
        {
            throw Corrupt(path, $"it holds {offsets.Length} deleted rows, but the manifest says {deletion.NumDeletedRows}");
        }
        return offsets;
    }

    /// <summary>The offsets in an Arrow IPC deletion file (one 32-bit integer column), sorted and distinct.</summary>
    public static uint[] ParseArrow(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var offsets = new List<uint>();
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = new ArrowFileReader(stream, allocator: null, compressionCodecFactory: new CompressionCodecFactory(), leaveOpen: false);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    if (batch.ColumnCount != 1)
                    {
                        throw Corrupt(source, $"it has {batch.ColumnCount} columns, not one");
                    }
                    switch (batch.Column(0))
                    {
                        case UInt32Array values:
                            for (var i = 0; i < values.Length; i++)
                            {
                                offsets.Add(values.GetValue(i) ?? throw Corrupt(source, "it holds a null offset"));
                            }
                            break;
                        case Int32Array values:
                            for (var i = 0; i < values.Length; i++)
                            {
                                var value = values.GetValue(i) ?? throw Corrupt(source, "it holds a null offset");
                                offsets.Add(value >= 0 ? (uint)value : throw Corrupt(source, $"it holds the negative offset {value}"));
                            }
                            break;
                        case var other:
                            throw Corrupt(source, $"its column is {other.Data.DataType.Name}, not a 32-bit integer");
                    }
                }
            }
        }
        catch (Exception e) when (e is not GenevaException and (InvalidDataException or InvalidOperationException
            or ArgumentException or IOException or IndexOutOfRangeException or NotSupportedException))
        {
            throw Corrupt(source, "it is not a readable Arrow IPC file", e);
        }
        var result = offsets.ToArray();
        System.Array.Sort(result);
        return Distinct(result);
    }

    /// <summary>The offsets in a portable-format roaring bitmap, ascending.</summary>
    public static uint[] ParseRoaring(ReadOnlySpan<byte> bytes, string source)
    {
        var at = 0;
        var cookie = ReadU32(bytes, ref at, source);
        int containers;
        var hasRuns = (cookie & 0xFFFF) == SerialCookie;
        ReadOnlySpan<byte> runFlags = default;
        if (hasRuns)
        {
            containers = (int)(cookie >> 16) + 1;
            var flagBytes = (containers + 7) / 8;
            runFlags = Take(bytes, ref at, flagBytes, source);
        }
        else if (cookie == SerialCookieNoRunContainer)
        {
            var count = ReadU32(bytes, ref at, source);
            if (count > 65536)
            {
                throw Corrupt(source, $"its roaring bitmap claims {count} containers");
            }
            containers = (int)count;
        }
        else
        {
            throw Corrupt(source, $"it does not start with a roaring bitmap cookie (found {cookie})");
        }

        var header = Take(bytes, ref at, containers * 4, source);
        if (!hasRuns || containers >= NoOffsetThreshold)
        {
            Take(bytes, ref at, containers * 4, source);   // offset header: containers follow in order anyway
        }

        var result = new List<uint>();
        var previousKey = -1;
        for (var c = 0; c < containers; c++)
        {
            var key = BinaryPrimitives.ReadUInt16LittleEndian(header[(c * 4)..]);
            var cardinality = BinaryPrimitives.ReadUInt16LittleEndian(header[(c * 4 + 2)..]) + 1;
            if (key <= previousKey)
            {
                throw Corrupt(source, "its roaring bitmap containers are not in ascending key order");
            }
            previousKey = key;
            var high = (uint)key << 16;
            var isRun = hasRuns && (runFlags[c / 8] & (1 << (c % 8))) != 0;
            if (isRun)
            {
                var runs = BinaryPrimitives.ReadUInt16LittleEndian(Take(bytes, ref at, 2, source));
                var pairs = Take(bytes, ref at, runs * 4, source);
                var previousEnd = -1;
                for (var r = 0; r < runs; r++)
                {
                    int start = BinaryPrimitives.ReadUInt16LittleEndian(pairs[(r * 4)..]);
                    var end = start + BinaryPrimitives.ReadUInt16LittleEndian(pairs[(r * 4 + 2)..]);
                    if (start <= previousEnd || end > ushort.MaxValue)
                    {
                        throw Corrupt(source, "its roaring bitmap has overlapping or out-of-range runs");
                    }
                    previousEnd = end;
                    for (var v = start; v <= end; v++)
                    {
                        result.Add(high | (uint)v);
                    }
                }
            }
            else if (cardinality <= MaxArrayContainerCardinality)
            {
                var values = Take(bytes, ref at, cardinality * 2, source);
                var previous = -1;
                for (var i = 0; i < cardinality; i++)
                {
                    int value = BinaryPrimitives.ReadUInt16LittleEndian(values[(i * 2)..]);
                    if (value <= previous)
                    {
                        throw Corrupt(source, "its roaring bitmap array container is not strictly ascending");
                    }
                    previous = value;
                    result.Add(high | (uint)value);
                }
            }
            else
            {
                var words = Take(bytes, ref at, BitmapContainerBytes, source);
                var before = result.Count;
                for (var w = 0; w < BitmapContainerBytes / 8; w++)
                {
                    var word = BinaryPrimitives.ReadUInt64LittleEndian(words[(w * 8)..]);
                    while (word != 0)
                    {
                        var bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                        result.Add(high | (uint)(w * 64 + bit));
                        word &= word - 1;
                    }
                }
                if (result.Count - before != cardinality)
                {
                    throw Corrupt(source, $"a roaring bitmap container holds {result.Count - before} values, but its header says {cardinality}");
                }
            }
        }
        return result.ToArray();
    }

    private static uint[] Distinct(uint[] sorted)
    {
        if (sorted.Length < 2)
        {
            return sorted;
        }
        var kept = 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[kept - 1])
            {
                sorted[kept++] = sorted[i];
            }
        }
        return kept == sorted.Length ? sorted : sorted[..kept];
    }

    private static uint ReadU32(ReadOnlySpan<byte> bytes, scoped ref int at, string source) =>
        BinaryPrimitives.ReadUInt32LittleEndian(Take(bytes, ref at, 4, source));

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> bytes, scoped ref int at, int count, string source)
    {
        if (count < 0 || count > bytes.Length - at)
        {
            throw Corrupt(source, "its roaring bitmap ends early");
        }
        var taken = bytes.Slice(at, count);
        at += count;
        return taken;
    }

    private static GenevaException Corrupt(string source, string problem, Exception? inner = null) =>
        new(GenevaErrorCode.DataFileCorrupt, $"The Lance deletion file '{source}' is corrupt: {problem}.", source, inner);
}
