using System.Globalization;
using System.Management.Automation;
using Geneva.PowerShell.Cluster;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Starts a cluster on this machine (loopback): -Workers node processes with -Slots slots each, the first the seed the
/// others join. For trying a cluster out and for tests; on other machines, Start-GenevaWorker -Join adds nodes. The
/// nodes belong to this session: Stop-GenevaCluster ends them, and they leave when the session ends.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GenevaCluster", SupportsShouldProcess = true)]
[OutputType(typeof(GenevaCluster))]
public sealed class StartGenevaClusterCommand : ClusterCmdlet
{
    private const string Activity = "Starting a Geneva cluster";

    /// <summary>Worker node processes to start, the seed included.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, 64)]
    public int Workers { get; set; } = 3;

    /// <summary>Slots per node: tasks it runs at a time, each in a worker process of its own.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Slots { get; set; } = 1;

    /// <summary>GPUs per node; slots share them in fractions (slot i of M uses GPU floor(i*G/M)).</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int NumGpus { get; set; }

    /// <summary>Seconds to wait for each node to join.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int Timeout { get; set; } = 120;

    protected override void EndProcessing() => GuardCluster(() =>
    {
        if (!ShouldProcess("127.0.0.1 (loopback)",
                $"Start a cluster of {Workers} worker node(s) with {Slots} slot(s){(NumGpus > 0 ? $" and {NumGpus} GPU(s)" : "")} each"))
        {
            return;
        }
        ClusterHost.Require();
        var timeout = TimeSpan.FromSeconds(Timeout);
        var started = new List<ClusterNodeProcess>();
        try
        {
            Progress(0, "node-1 (the seed) starting");
            var seedProcess = ClusterNodeProcess.Start("node-1", Slots, NumGpus, seed: null, listenAddress: "127.0.0.1");
            started.Add(seedProcess);
            var seed = seedProcess.WaitReady(timeout, Cancel);
            WriteVerbose($"Seed node {seed.Name} is up at {seed.Address} (process {seed.ProcessId}).");
            var nodes = new List<GenevaClusterNode> { seed };
            // The others join at once: a cluster forms in about the time one node takes.
            for (var i = 2; i <= Workers; i++)
            {
                started.Add(ClusterNodeProcess.Start($"node-{i.ToString(CultureInfo.InvariantCulture)}", Slots, NumGpus,
                    seed.Address, listenAddress: "127.0.0.1"));
            }
            foreach (var process in started.Skip(1))
            {
                Progress(nodes.Count, $"{nodes.Count} of {Workers} node(s) joined; waiting for {process.Name}");
                var node = process.WaitReady(timeout, Cancel);
                WriteVerbose($"Node {node.Name} joined at {node.Address} (process {node.ProcessId}).");
                nodes.Add(node);
            }
            ClusterProcesses.Add(seed.Address, started);
            started.Clear();
            WriteObject(new GenevaCluster(seed.Address, nodes));
        }
        finally
        {
            // Not all joined (an error, a timeout, Ctrl+C): none is left behind.
            foreach (var process in started)
            {
                process.Kill();
            }
            WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    });

    private void Progress(int joined, string status) => WriteProgress(new ProgressRecord(1, Activity, status)
    {
        PercentComplete = 100 * joined / Workers,
    });
}
