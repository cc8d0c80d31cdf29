namespace Geneva.Core.Storage;

/// <summary>
/// The one way Geneva writes a file that must appear whole and stay: written under a temporary name
/// (<c>final.tmp-guid</c>) in the final folder, then on publish flushed to disk, renamed into place and
/// the folder flushed too, so a crash or power loss leaves either no file or the whole file under its
/// name, never a partial one, and a published file is durable before anything that refers to it (a
/// receipt, a manifest) is written. Dispose without publishing deletes the temporary file.
/// Checkpoint files publish replacing (the same range computed again is the same output); manifest
/// versions publish exclusively (two writers of one version number cannot both win).
/// </summary>
internal sealed class DurableFile : IDisposable
{
    /// <summary>Marks a temporary file in a table's folders; what a crash leaves under it is garbage.</summary>
    public const string TempMarker = ".tmp-";

    private readonly string _final;
    private readonly string _temp;
    private bool _closed;

    public DurableFile(string finalPath, int bufferSize = 4096)
    {
        _final = finalPath;
        var folder = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        _temp = finalPath + TempMarker + Guid.NewGuid().ToString("N");
        Stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
    }

    /// <summary>Where the content goes; owned by this object.</summary>
    public FileStream Stream { get; }

    public static bool IsTemp(string fileName) => fileName.Contains(TempMarker, StringComparison.Ordinal);

    /// <summary>Publishes the file under its name, replacing any file there.</summary>
    public void PublishReplacing()
    {
        Close();
        File.Move(_temp, _final, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(_final)!);
    }

    /// <summary>Publishes the file under its name unless one exists there (then false, and the temporary file is removed).</summary>
    public bool TryPublishExclusive()
    {
        Close();
        if (!ExclusiveRename.TryMove(_temp, _final))
        {
            File.Delete(_temp);
            return false;
        }
        DirectorySync.Flush(Path.GetDirectoryName(_final)!);
        return true;
    }

    private void Close()
    {
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        _closed = true;
    }

    public void Dispose()
    {
        if (_closed && !File.Exists(_temp))
        {
            return;
        }
        Stream.Dispose();
        File.Delete(_temp);
    }
}
