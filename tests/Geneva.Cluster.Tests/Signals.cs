using System.Runtime.InteropServices;

namespace Geneva.Cluster.Tests;

/// <summary>POSIX signals to a process (SIGTERM for a clean leave, SIGSTOP for a node that hangs).</summary>
internal static partial class Signals
{
    public const int Term = 15;
    public const int Stop = 19;
    public const int Cont = 18;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The process and its children (Linux: from /proc), children first: a machine that hangs stops whole.</summary>
    public static void SendToTree(int pid, int signal)
    {
        foreach (var stat in Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "stat")).Where(File.Exists))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue;
            }
            // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1]) == pid)
            {
                SendToTree(int.Parse(Path.GetFileName(Path.GetDirectoryName(stat)!)), signal);
            }
        }
        Send(pid, signal);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
