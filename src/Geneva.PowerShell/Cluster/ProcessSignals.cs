using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// The one place a node process is asked to leave. On Linux and macOS: SIGINT, as Ctrl+C would send. Windows has no
/// signal for one process of a console, so there the node's stdin is closed: nodes this module starts run with
/// --stop-on-stdin-close, which makes that a request to leave on every platform.
/// </summary>
internal static class ProcessSignals
{
    private const int SigInt = 2;

    public static void AskToLeave(Process process)
    {
        if (!OperatingSystem.IsWindows() && Kill(process.Id, SigInt) == 0)
        {
            return;
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Not redirected, or already closed: nothing more to ask.
        }
    }

    // DllImport, not LibraryImport: an int-only signature needs no marshalling, and the project compiles no unsafe code.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
