using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Geneva.Cluster.Node;

/// <summary>On a node: when a dispatcher's silo dies, its tasks here are abandoned (nobody would record them).</summary>
public sealed class NodeMembershipWatch(IClusterMembershipService membership, NodeRuntime node) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)))
                {
                    if (SiloRole.Parse(member.Name) is { IsDispatcher: true })
                    {
                        node.DispatcherSiloDied(member.SiloAddress);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
