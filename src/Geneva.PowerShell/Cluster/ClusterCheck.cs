using System.Management.Automation;
using System.Net.Sockets;

namespace Geneva.PowerShell.Cluster;

/// <summary>What a -Cluster backfill checks before it records a job: the host is there and a cluster answers at the address.</summary>
internal static class ClusterCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Null when -Concurrency was given: then only whether something listens at the seed's address is checked (a TCP
    /// connection, milliseconds), and the dispatcher warns if the cluster has fewer slots. Else the slots of the
    /// cluster's active nodes (the status mode: a few seconds), which bound the default Concurrency quietly, as a
    /// machine's cores do locally. ClusterNotFound when no cluster answers.
    /// </summary>
    public static int? Slots(Cmdlet cmdlet, string address, bool concurrencyGiven, CancellationToken cancel)
    {
        ClusterHost.Require();
        if (concurrencyGiven && !ClusterHost.IsDatabase(address))
        {
            Listening(address, cancel);
            return null;
        }
        var nodes = ClusterHost.Status(address, Timeout, cancel).Where(n => n.Status == "Active").ToList();
        if (nodes.Count == 0)
        {
            throw ClusterException.NotFound(address, "Its membership lists no active node.");
        }
        if (concurrencyGiven)
        {
            return null; // a database names no endpoint to knock at: its active nodes say the cluster is there
        }
        var slots = nodes.Sum(n => n.Slots);
        cmdlet.WriteVerbose($"Cluster {ClusterHost.Display(address)}: {nodes.Count} active node(s), {slots} slot(s) ({string.Join(", ", nodes.Select(n => $"{n.Name} {n.Slots}"))}).");
        return slots;
    }

    /// <summary>ClusterNotFound unless something accepts a TCP connection at host:port within a few seconds.</summary>
    private static void Listening(string address, CancellationToken cancel)
    {
        var colon = address.LastIndexOf(':');
        var host = address[..colon].Trim('[', ']');
        var port = int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var client = new TcpClient();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bound.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            client.ConnectAsync(host, port, bound.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            throw ClusterException.NotFound(address, $"Nothing accepts connections there ({e.Message}).");
        }
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
