namespace Geneva.Core.Checkpoints;

/// <summary>Whether a job recorded as running is still run by a live holder.</summary>
public sealed partial class CheckpointStore
{
    /// <summary>
    /// Whether the process that recorded itself as running a job still exists. Only knowable for
    /// jobs of this host; others are taken as alive.
    /// </summary>
    private static bool IsAlive(int pid, string? host)
    {
        if (host is not null && !string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
