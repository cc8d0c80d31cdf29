using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Geneva.PowerShell.Cluster;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Runs a worker node in the foreground: joins the cluster at -Join with -Slots slots, writes the node once it has
/// joined, relays its log as verbose lines, and runs until the cluster stops it (Stop-GenevaCluster) or Ctrl+C, which
/// makes it leave the cluster cleanly.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GenevaWorker", SupportsShouldProcess = true)]
[OutputType(typeof(GenevaClusterNode))]
public sealed class StartGenevaWorkerCommand : ClusterCmdlet
{
    /// <summary>How long a node asked to leave may take before it is killed.</summary>
    private static readonly TimeSpan s_leaveTimeout = TimeSpan.FromSeconds(30);

    private ClusterNodeProcess? _node;

    /// <summary>The cluster to join: the object Start-GenevaCluster returned, the seed's host:port, or a deployed cluster's membership connection string.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Cluster", "Address")]
    [ClusterAddress]
    public string Join { get; set; } = "";

    /// <summary>Tasks this node runs at a time, each in a worker process of its own.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Slots { get; set; } = 1;

    /// <summary>GPUs this node offers; slots share them in fractions.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int NumGpus { get; set; }

    /// <summary>The node's name in the cluster (and in job metrics); the machine's name and a short suffix by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The address this node listens on and the others reach it at; by default the one this machine reaches the seed from.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ListenAddress { get; set; }

    /// <summary>Seconds to wait for the node to join.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int Timeout { get; set; } = 120;

    protected override void ProcessRecord() => GuardCluster(() =>
    {
        var name = Name ?? $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..4]}";
        if (!ShouldProcess(ClusterHost.Display(Join), $"Join the cluster as worker node '{name}' with {Slots} slot(s)"))
        {
            return;
        }
        ClusterHost.Require();
        // Never disposed: the node's output reader threads may still add a last line after the process has exited
        // and this cmdlet has returned (an add then fails quietly, the collection being complete); a disposed
        // collection would throw on those threads instead, and take the session's process down.
        var log = new BlockingCollection<string>();
        _node = ClusterNodeProcess.Start(name, Slots, NumGpus, Join, ListenAddress ?? LocalAddressTowards(ClusterHost.IsDatabase(Join) ? ClusterHost.DatabaseServer(Join) : Join), log);
        var joined = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Timeout);
        try
        {
            // Log lines are written here, on the pipeline thread, until the node exits.
            while (!_node.Exited || log.Count > 0)
            {
                if (log.TryTake(out var line, 200))
                {
                    WriteVerbose(line);
                }
                if (!joined && _node.Ready.IsCompletedSuccessfully)
                {
                    joined = true;
                    var node = _node.Ready.Result;
                    WriteVerbose($"Joined the cluster at {ClusterHost.Display(Join)} as {node.Name} ({node.Address}, process {node.ProcessId}); Ctrl+C leaves it.");
                    WriteObject(node);
                }
                if (!joined && DateTime.UtcNow > deadline)
                {
                    _node.Kill();
                    throw new ClusterException("ClusterJoinFailed", ErrorCategory.OperationTimeout,
                        $"Node '{name}' did not join the cluster at '{ClusterHost.Display(Join)}' within {Timeout} s. {_node.Tail}".TrimEnd(), ClusterHost.Display(Join));
                }
            }
            _node.WaitForExit(s_leaveTimeout);
            if (!joined)
            {
                throw new ClusterException("ClusterJoinFailed", ErrorCategory.ConnectionError,
                    $"Node '{name}' exited with code {_node.ExitCode} before it joined the cluster at '{ClusterHost.Display(Join)}'. {_node.Tail}".TrimEnd(), ClusterHost.Display(Join));
            }
            if (_node.ExitCode != 0)
            {
                throw new ClusterException("WorkerNodeFailed", ErrorCategory.InvalidResult,
                    $"Node '{name}' exited with code {_node.ExitCode}. {_node.Tail}".TrimEnd(), name);
            }
            WriteVerbose($"Node {name} left the cluster.");
        }
        finally
        {
            log.CompleteAdding();
            if (!_node.Exited)
            {
                // Stopped (Ctrl+C) or failed: the node leaves cleanly if it can, and is killed if it cannot.
                _node.AskToLeave();
                if (!_node.WaitForExit(s_leaveTimeout))
                {
                    _node.Kill();
                }
            }
        }
    });

    protected override void StopProcessing()
    {
        base.StopProcessing();
        _node?.AskToLeave();
    }

    /// <summary>
    /// Loopback for a loopback seed; else the local address this machine reaches the seed (or the membership database's
    /// server) from (no packet is sent).
    /// </summary>
    private static string? LocalAddressTowards(string? seed)
    {
        if (seed is null)
        {
            return null;
        }
        var host = seed[..seed.LastIndexOf(':')].Trim('[', ']');
        if (host == "localhost" || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))
        {
            return "127.0.0.1";
        }
        try
        {
            var target = ip ?? Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
            using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(target, int.Parse(seed[(seed.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            return null; // the host's own default
        }
    }
}
