using Apache.Arrow;
using Apache.Arrow.Ipc;
using Geneva.Core.Storage;

namespace Geneva.Core.Execution;

/// <summary>
/// Writes a checkpoint's output once, as an Arrow IPC file under <c>_geneva/ck/</c> named by the
/// checkpoint's identity (fragment key and row range); the commit later streams a fragment's checkpoints,
/// in row order, into the Lance data file of its column (a Lance file covers all its fragment's rows). Pieces are written as they are computed,
/// one record batch each, on a pool thread while the caller computes the next piece (for a model,
/// the writes of 256 MB of output per 1M rows hide behind forward passes); each piece's buffers must
/// stay valid until the next Append returns (a <see cref="Storage.FragmentReader"/> that
/// <see cref="Storage.FragmentReader.KeepsPreviousRead"/>). Written as a <see cref="DurableFile"/>:
/// flushed to disk, renamed into place and its folder flushed by <see cref="Publish"/> (which may run while
/// the next checkpoint computes) before its receipt is sent, so
/// the file is durable before its receipt exists; a task run twice rewrites the same name harmlessly,
/// and a crash leaves no partial file under that name.
/// </summary>
internal sealed class CheckpointFileWriter : IDisposable
{
    private readonly Schema _schema;
    private readonly DurableFile _file;
    private readonly HashingStream _hashing;
    private readonly ArrowFileWriter _writer;
    private bool _done;

    /// <summary>The write of the last piece appended; pieces are written one at a time, in order.</summary>
    private Task _writing = Task.CompletedTask;

    public CheckpointFileWriter(string tablePath, string relativePath, Field field)
    {
        _schema = new Schema([field], null);
        _file = new DurableFile(Path.Combine(tablePath, relativePath), 1 << 16);
        _hashing = new HashingStream(_file.Stream);
        _writer = new ArrowFileWriter(_hashing, _schema, leaveOpen: true);
    }

    public static string RelativePath(string fragmentKey, int start, int count) => $"{Checkpoints.CheckpointFiles.Folder}/{fragmentKey}-{start}-{count}.arrow";

    /// <summary>Waits for the previous piece's write (its failure surfaces here), then starts this one's.</summary>
    public void Append(IArrowArray piece)
    {
        _writing.GetAwaiter().GetResult();
        var batch = new RecordBatch(_schema, [piece], piece.Length);
        _writing = Task.Run(() => _writer.WriteRecordBatch(batch));
    }

    /// <summary>
    /// Writes the file's end (after the last piece's write, so the caller's buffers are free again);
    /// returns its size and checksum. <see cref="Publish"/> then makes it durable under its name.
    /// </summary>
    public (long Bytes, string Checksum) Seal()
    {
        try
        {
            _writing.GetAwaiter().GetResult();
            _writer.WriteEnd();
            _writer.Dispose();
            _file.Stream.Flush();
            return (_file.Stream.Length, _hashing.Checksum);
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            throw StoreErrors.Map(e, _file.Stream.Name);
        }
    }

    /// <summary>Flushes the sealed file to disk and moves it into place (the slow part: two fsyncs); any thread.</summary>
    public void Publish()
    {
        try
        {
            _file.PublishReplacing();
            _done = true;
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            throw StoreErrors.Map(e, _file.Stream.Name);
        }
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }
        try
        {
            _writing.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Failed or not: the file is discarded below, and the failure was (or will be) reported by Append or Finish.
        }
        _writer.Dispose();
        _file.Dispose();
    }
}
