using System.Runtime.InteropServices;

namespace Geneva.Core.Storage;

/// <summary>
/// Publishes a finished file under a name only if that name is free, atomically, so two writers
/// racing for the same manifest version cannot both win. .NET's File.Move(overwrite: false) on
/// Unix checks for the target and then renames (rename(2) replaces), which loses a concurrent
/// writer's version; link(2) fails with EEXIST instead. Windows' MoveFileEx without
/// REPLACE_EXISTING is already atomic.
/// </summary>
internal static partial class ExclusiveRename
{
    private const int EEXIST = 17; // Linux and macOS alike

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>; false (source left) when the target exists.</summary>
    public static bool TryMove(string source, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(source, target, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(target))
            {
                return false;
            }
        }
        if (link(source, target) == 0)
        {
            File.Delete(source);
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }
        throw new IOException($"Could not publish '{target}': link(2) failed with errno {errno}. " +
                              "Geneva tables need a file system with hard links (local disks, NFS and most network shares have them).");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);
}
