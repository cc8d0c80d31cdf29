using System.Diagnostics;
using System.Globalization;

namespace Geneva.Core.Checkpoints;

/// <summary>Who holds a lease: the job it runs, the column it computes, and the holder (machine:process:token).</summary>
internal sealed record LeaseHolder(string JobId, string Column, string Holder, DateTimeOffset AcquiredAt,
    DateTimeOffset HeartbeatAt, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether the lease still counts: not expired, and not held by a process of this machine that is
    /// known to be gone. A killed holder on this machine is seen at once (no process has its id, or the
    /// one that has it started after the lease was taken: a reused id); elsewhere, and in this process,
    /// the heartbeat's expiry decides.
    /// </summary>
    public bool IsLive(DateTimeOffset now) => ExpiresAt > now && !HolderIsGone();

    private bool HolderIsGone()
    {
        var parts = Holder.Split(':');
        if (parts.Length < 3 || !string.Equals(parts[0], Environment.MachineName, StringComparison.OrdinalIgnoreCase) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || process.StartTime.ToUniversalTime() > AcquiredAt.UtcDateTime.AddSeconds(1);
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true; // exited while being looked at
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not ours to inspect: trust the expiry
        }
    }
}
