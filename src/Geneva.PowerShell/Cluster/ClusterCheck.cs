using System.Management.Automation;

namespace Geneva.PowerShell.Cluster;

/// <summary>What a -Cluster backfill checks before it starts: the host is there and a cluster answers at the address.</summary>
internal static class ClusterCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The slots of the cluster's active nodes; ClusterNotFound when none answers.</summary>
    public static int ActiveSlots(Cmdlet cmdlet, string address, CancellationToken cancel)
    {
        ClusterHost.Require();
        var nodes = ClusterHost.Status(address, Timeout, cancel).Where(n => n.Status == "Active").ToList();
        if (nodes.Count == 0)
        {
            throw ClusterException.NotFound(address, "Its membership lists no active node.");
        }
        var slots = nodes.Sum(n => n.Slots);
        cmdlet.WriteVerbose($"Cluster {address}: {nodes.Count} active node(s), {slots} slot(s) ({string.Join(", ", nodes.Select(n => $"{n.Name} {n.Slots}"))}).");
        return slots;
    }

    /// <summary>Runs a backfill cmdlet's work with cluster failures as its terminating error records.</summary>
    public static void Guard(Cmdlet cmdlet, Action action)
    {
        try
        {
            action();
        }
        catch (ClusterException e)
        {
            cmdlet.ThrowTerminatingError(e.ToErrorRecord());
        }
    }
}
