using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Geneva.Core.Storage;

/// <summary>
/// Random access to the record batches of one data file. Batches read stay alive (and arrays
/// sliced from them stay valid) until <see cref="ReleaseExcept"/> or <see cref="Dispose"/>,
/// so a caller can gather several batches and release them together.
/// </summary>
internal sealed class DataFileReader : IDisposable
{
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly ArrowFileReader _reader;
    private readonly Dictionary<int, RecordBatch> _live = [];

    public DataFileReader(string tablePath, DataFileEntry entry)
    {
        Entry = entry;
        _path = Path.Combine(tablePath, entry.Path);
        try
        {
            _stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Data file '{_path}' named by the table's manifest is missing.", _path, e);
        }
        _reader = new ArrowFileReader(_stream, Arrow.PooledMemoryAllocator.Shared, leaveOpen: false);
    }

    public DataFileEntry Entry { get; }

    public RecordBatch ReadBatch(int index)
    {
        if (_live.TryGetValue(index, out var live))
        {
            return live;
        }
        RecordBatch batch;
        try
        {
            // The file reader is async-only; over a FileStream it completes synchronously.
            batch = _reader.ReadRecordBatchAsync(index).AsTask().GetAwaiter().GetResult()
                ?? throw new InvalidDataException($"record batch {index} is missing");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException
                                      or InvalidOperationException or IndexOutOfRangeException or OverflowException
                                      or EndOfStreamException)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Data file '{_path}' is corrupt: {e.Message}", _path, e);
        }
        _live[index] = batch;
        return batch;
    }

    /// <summary>Frees every live batch but those in <paramref name="keep"/> (a sequential reader's current ones).</summary>
    public void ReleaseExcept(IReadOnlyCollection<int> keep)
    {
        foreach (var (index, batch) in _live.ToList())
        {
            if (!keep.Contains(index))
            {
                batch.Dispose();
                _live.Remove(index);
            }
        }
    }

    public void Dispose()
    {
        foreach (var batch in _live.Values)
        {
            batch.Dispose();
        }
        _live.Clear();
        _reader.Dispose();
    }
}
