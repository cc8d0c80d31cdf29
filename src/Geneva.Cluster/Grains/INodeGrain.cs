namespace Geneva.Cluster.Grains;

/// <summary>A node's agent (key <c>&lt;silo&gt;/node</c>, pinned there), for status and stop.</summary>
public interface INodeGrain : IGrainWithStringKey
{
    Task<NodeInfo> Info();

    /// <summary>Asks the node to leave the cluster (after this call returns).</summary>
    Task Leave();
}
