using System.Runtime.InteropServices;

namespace Geneva.Core.Storage;

/// <summary>
/// Flushes a folder's entries to disk, so a file renamed into it survives power loss: on Unix a
/// rename is durable only once its directory is fsynced, and .NET cannot open a directory as a
/// stream. Windows (NTFS journals renames) and file systems that cannot sync a directory skip it.
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int EINVAL = 22, ENOTSUP = 95, EOPNOTSUPP_MAC = 45, EBADF = 9;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = open(directory, ORdOnly);
        if (fd < 0)
        {
            return; // cannot open it (permissions): the file itself is already synced
        }
        try
        {
            if (fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is not (EINVAL or ENOTSUP or EOPNOTSUPP_MAC or EBADF))
                {
                    throw new IOException($"Could not flush folder '{directory}' to disk: fsync failed with errno {errno}.", errno);
                }
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);
}
