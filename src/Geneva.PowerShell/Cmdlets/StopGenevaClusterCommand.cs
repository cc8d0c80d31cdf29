using System.Management.Automation;
using Geneva.PowerShell.Cluster;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Shuts a cluster down: asks every active node to leave (joined ones included, the seed last), then kills the node
/// processes this session started that are still there, so none is left behind.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "GenevaCluster", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopGenevaClusterCommand : ClusterCmdlet
{
    /// <summary>The cluster: the object Start-GenevaCluster returned, the seed's host:port, or a deployed cluster's membership connection string.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Address")]
    [ClusterAddress]
    public string Cluster { get; set; } = "";

    /// <summary>Seconds to wait for the nodes to leave before killing those this session started.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int Timeout { get; set; } = 30;

    protected override void ProcessRecord() => GuardCluster(() =>
    {
        if (!ShouldProcess(ClusterHost.Display(Cluster), "Stop every node of the cluster"))
        {
            return;
        }
        ClusterHost.Require();
        var timeout = TimeSpan.FromSeconds(Timeout);
        var ours = ClusterProcesses.Take(Cluster);
        ClusterException? failed = null;
        try
        {
            foreach (var node in ClusterHost.Query("stop", Cluster, timeout, Cancel).Select(GenevaClusterNode.FromReady))
            {
                WriteVerbose($"Asked node {node.Name} at {node.Address} (process {node.ProcessId}) to leave.");
            }
        }
        catch (ClusterException e) when (ours.Count > 0)
        {
            // The cluster did not take the request (it no longer answers, or the host failed); the nodes of this session
            // are asked directly, and ended below all the same.
            failed = e;
            foreach (var process in ours)
            {
                process.AskToLeave();
            }
        }
        var deadline = DateTime.UtcNow + timeout;
        foreach (var process in ours)
        {
            if (process.WaitForExit(Max(deadline - DateTime.UtcNow, TimeSpan.Zero)))
            {
                continue;
            }
            WriteVerbose($"Node {process.Name} (process {process.ProcessId}) did not leave within {Timeout} s; killing it.");
            process.Kill();
        }
        if (failed is not null)
        {
            WriteWarning($"{failed.Message} The {ours.Count} node process(es) this session started for it were ended.");
        }
    });

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
