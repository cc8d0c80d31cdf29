using Geneva.Cluster.Node;
using Geneva.Cluster.Placement;
using Orleans.Concurrency;

namespace Geneva.Cluster.Grains;

/// <summary>A node's agent on its own silo: status and stop.</summary>
[PinnedPlacement, Reentrant]
public sealed class NodeGrain(NodeRuntime node, ILocalSiloDetails silo) : Grain, INodeGrain
{
    public Task<NodeInfo> Info() => Task.FromResult(node.Info(silo.SiloAddress));

    public Task Leave()
    {
        // After this call's answer is on its way: leaving stops this silo's message handling.
        _ = Task.Run(async () =>
        {
            await Task.Delay(200);
            node.LeaveRequested?.Invoke();
        });
        return Task.CompletedTask;
    }
}
