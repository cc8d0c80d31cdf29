using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Takes a worker's standard output for the protocol alone. Managed console writes are redirected
/// by the worker (<see cref="WorkerHost.ForConsole"/>); native code (a UDF's native library calling
/// printf) writes to file descriptor 1 directly. On Unix the protocol therefore moves to a duplicate of
/// descriptor 1, and descriptor 1 is pointed at stderr, where such output joins the worker's error text.
/// Elsewhere (Windows) the managed stream is used and native writes are not diverted.
/// </summary>
internal static partial class ProtocolOutput
{
    private const int StdOut = 1;
    private const int StdErr = 2;

    /// <summary>Call once, first thing in a worker process, before any UDF code loads.</summary>
    public static Stream Take()
    {
        if (!OperatingSystem.IsWindows())
        {
            var protocol = dup(StdOut);
            if (protocol >= 0)
            {
                if (dup2(StdErr, StdOut) >= 0)
                {
                    return new FileStream(new SafeFileHandle(protocol, ownsHandle: true), FileAccess.Write, bufferSize: 0);
                }
                close(protocol);
            }
        }
        return Console.OpenStandardOutput();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
