using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Geneva.Core.Storage;

/// <summary>
/// Writes one Arrow IPC (random-access) file under the table directory. The file is written
/// under a temporary name and renamed into place, so a crash leaves either no file or a whole
/// one, and writing the same path twice (a task run again) is harmless.
/// </summary>
internal sealed class DataFileWriter : IDisposable
{
    private readonly string _finalPath;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly ArrowFileWriter _writer;
    private bool _finished;

    public DataFileWriter(string tablePath, string relativePath, Schema schema)
    {
        _finalPath = Path.Combine(tablePath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_finalPath)!);
        _tempPath = _finalPath + $".tmp-{Guid.NewGuid():N}";
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new ArrowFileWriter(_stream, schema, leaveOpen: true);
    }

    public long BytesWritten => _stream.Length;

    public void Write(RecordBatch batch) => _writer.WriteRecordBatch(batch);

    /// <summary>Finishes the file and moves it into place; returns its size in bytes.</summary>
    public long Finish(bool durable)
    {
        _writer.WriteEnd();
        _stream.Flush(flushToDisk: durable);
        var length = _stream.Length;
        _writer.Dispose();
        _stream.Dispose();
        File.Move(_tempPath, _finalPath, overwrite: true);
        _finished = true;
        return length;
    }

    public void Dispose()
    {
        if (_finished)
        {
            return;
        }
        _writer.Dispose();
        _stream.Dispose();
        File.Delete(_tempPath);
    }

    public static string NewDataFileName() => $"data/{Guid.NewGuid():N}.arrow";
}
