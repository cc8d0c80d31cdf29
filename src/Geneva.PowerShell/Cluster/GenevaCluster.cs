namespace Geneva.PowerShell.Cluster;

/// <summary>
/// A cluster this session started with Start-GenevaCluster: its seed's address (what -Cluster and -Join take) and the
/// worker nodes as they joined. The node processes belong to this session: Stop-GenevaCluster ends them, and they end
/// with the session.
/// </summary>
public sealed class GenevaCluster
{
    internal GenevaCluster(string address, IReadOnlyList<GenevaClusterNode> workers)
    {
        Address = address;
        Workers = workers;
    }

    /// <summary>The seed node's silo endpoint, host:port.</summary>
    public string Address { get; }

    /// <summary>The nodes this session started, the seed first.</summary>
    public IReadOnlyList<GenevaClusterNode> Workers { get; }

    /// <summary>Slots of all the nodes this session started.</summary>
    public int Slots => Workers.Sum(w => w.Slots);

    /// <summary>The address, so "$cluster" works wherever an address does.</summary>
    public override string ToString() => Address;
}
