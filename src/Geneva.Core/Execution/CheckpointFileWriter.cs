using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Geneva.Core.Execution;

/// <summary>
/// Writes a checkpoint's output once, as an Arrow IPC file under <c>data/ck/</c> named by the
/// checkpoint's identity (fragment key and row range); the commit later points the fragment's
/// column at these files, so the output is never copied. Pieces are written as they are computed,
/// one record batch each, so borrowed input slices never need to outlive their read. Temp name
/// then rename: a task run twice rewrites the same name harmlessly, and a crash leaves no partial
/// file under that name.
/// </summary>
internal sealed class CheckpointFileWriter : IDisposable
{
    private readonly string _final;
    private readonly string _temp;
    private readonly Schema _schema;
    private readonly FileStream _file;
    private readonly HashingStream _hashing;
    private readonly ArrowFileWriter _writer;
    private bool _done;

    public CheckpointFileWriter(string tablePath, string relativePath, Field field)
    {
        _final = Path.Combine(tablePath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(_final)!);
        _temp = _final + $".tmp-{Guid.NewGuid():N}";
        _schema = new Schema([field], null);
        _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _hashing = new HashingStream(_file);
        _writer = new ArrowFileWriter(_hashing, _schema, leaveOpen: true);
    }

    public static string RelativePath(string fragmentKey, int start, int count) => $"data/ck/{fragmentKey}-{start}-{count}.arrow";

    public void Append(IArrowArray piece) => _writer.WriteRecordBatch(new RecordBatch(_schema, [piece], piece.Length));

    /// <summary>Ends the file and moves it into place; returns its size and checksum.</summary>
    public (long Bytes, string Checksum) Finish()
    {
        _writer.WriteEnd();
        _writer.Dispose();
        _file.Flush();
        var result = (_file.Length, _hashing.Checksum);
        _file.Dispose();
        File.Move(_temp, _final, overwrite: true);
        _done = true;
        return result;
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }
        _writer.Dispose();
        _file.Dispose();
        File.Delete(_temp);
    }
}
