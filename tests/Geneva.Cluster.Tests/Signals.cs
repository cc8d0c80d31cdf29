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
        foreach (var child in Children(pid))
        {
            SendToTree(child, signal);
        }
        Send(pid, signal);
    }

    /// <summary>The direct children of a process (Linux: from /proc).</summary>
    public static List<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var stat in Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1]) == pid)
            {
                children.Add(int.Parse(Path.GetFileName(Path.GetDirectoryName(stat)!)));
            }
        }
        return children;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
