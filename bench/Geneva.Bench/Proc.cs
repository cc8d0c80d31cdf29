using System.Globalization;

namespace Geneva.Bench;

/// <summary>Linux /proc figures of this process and its children (the session's worker processes).</summary>
internal static class Proc
{
    /// <summary>Peak working set (VmHWM) in bytes; 0 if the process is gone.</summary>
    public static long PeakWorkingSet(int pid) => StatusKb(pid, "VmHWM:") * 1024;

    /// <summary>Bytes the process caused to be written to storage (write_bytes: counted when page-cache pages are dirtied).</summary>
    public static long WriteBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/io"))
            {
                if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                {
                    return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>CPU seconds (user + system) the process has used; 0 if it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s; rest starts at field 3.
            return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Live child processes of <paramref name="parent"/>.</summary>
    public static List<int> Children(int parent)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(rest[1], CultureInfo.InvariantCulture) == parent)
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        return result;
    }

    private static long StatusKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
