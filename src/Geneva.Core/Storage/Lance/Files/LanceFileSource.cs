using Microsoft.Win32.SafeHandles;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>Positional reads of an open data file; safe to call from several threads at once.</summary>
internal sealed class LanceFileSource : IDisposable
{
    private readonly SafeFileHandle _handle;

    public LanceFileSource(string path)
    {
        Path = path;
        try
        {
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
            Length = RandomAccess.GetLength(_handle);
        }
        catch (FileNotFoundException e)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt, $"The Lance data file '{path}' does not exist.", path, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt, $"The Lance data file '{path}' does not exist.", path, e);
        }
        catch (IOException e)
        {
            throw new GenevaException(GenevaErrorCode.StorageUnavailable, $"The Lance data file '{path}' cannot be opened: {e.Message}", path, e);
        }
    }

    /// <summary>Opens <paramref name="path"/> and hands it to <paramref name="open"/>; the handle is closed if that throws.</summary>
    public static T Open<T>(string path, Func<LanceFileSource, T> open)
    {
        var file = new LanceFileSource(path);
        try
        {
            return open(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>Reads exactly destination.Length bytes at <paramref name="offset"/>; a range past the end is DataFileCorrupt.</summary>
    public void ReadExactly(ulong offset, Span<byte> destination, string? column)
    {
        if (offset > (ulong)Length || (ulong)destination.Length > (ulong)Length - offset)
        {
            throw LanceFileErrors.Corrupt(Path, column,
                $"a buffer at {offset} of {destination.Length} bytes lies past the end of the file ({Length} bytes)");
        }
        var position = (long)offset;
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, destination, position);
            if (read <= 0)
            {
                throw LanceFileErrors.Corrupt(Path, column, $"the file ended at {position} while reading a buffer");
            }
            destination = destination[read..];
            position += read;
        }
    }

    public byte[] ReadBytes(ulong offset, ulong length, string? column)
    {
        if (length > int.MaxValue)
        {
            throw LanceFileErrors.Corrupt(Path, column, $"a buffer of {length} bytes is larger than Geneva reads at once");
        }
        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        ReadExactly(offset, bytes, column);
        return bytes;
    }

    public void Dispose() => _handle.Dispose();
}
