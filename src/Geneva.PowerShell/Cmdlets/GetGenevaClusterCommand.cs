using System.Management.Automation;
using Geneva.PowerShell.Cluster;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Lists a cluster's nodes as its membership has them (dead ones included): name, address, process, slots, GPUs,
/// status, and the tasks each runs now and has completed.
/// </summary>
[Cmdlet(VerbsCommon.Get, "GenevaCluster")]
[OutputType(typeof(GenevaClusterNode))]
public sealed class GetGenevaClusterCommand : ClusterCmdlet
{
    /// <summary>The cluster: the object Start-GenevaCluster returned, the seed's host:port, or a deployed cluster's membership connection string.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Address")]
    [ClusterAddress]
    public string Cluster { get; set; } = "";

    /// <summary>Seconds to wait for the cluster's answer.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int Timeout { get; set; } = 15;

    protected override void ProcessRecord() => GuardCluster(() =>
    {
        ClusterHost.Require();
        foreach (var node in ClusterHost.Status(Cluster, TimeSpan.FromSeconds(Timeout), Cancel))
        {
            WriteObject(node);
        }
    });
}
