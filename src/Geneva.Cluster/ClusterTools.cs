using Geneva.Cluster.Grains;
using Geneva.Cluster.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Geneva.Cluster;

/// <summary>Status and stop, from a silo that joined for the purpose: every node the membership knows, and their agents.</summary>
public static class ClusterTools
{
    /// <summary>One entry per node in the membership, dead ones included (their counts are then zero).</summary>
    public static async Task<IReadOnlyList<NodeStatus>> Status(IServiceProvider silo, TimeSpan callTimeout)
    {
        var membership = silo.GetRequiredService<IClusterMembershipService>();
        var grains = silo.GetRequiredService<IGrainFactory>();
        var result = new List<NodeStatus>();
        foreach (var member in membership.CurrentSnapshot.Members.Values.OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal))
        {
            if (SiloRole.Parse(member.Name) is not { IsNode: true } role)
            {
                continue;
            }
            int running = 0;
            long completed = 0;
            if (member.Status == SiloStatus.Active)
            {
                try
                {
                    var info = await grains.GetGrain<INodeGrain>(SiloKey.Node(member.SiloAddress)).Info().WaitAsync(callTimeout);
                    (running, completed) = (info.RunningTasks, info.CompletedTasks);
                }
                catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException or ArgumentException)
                {
                    // Listed without counts: it is active in the table but does not answer now.
                }
            }
            result.Add(new NodeStatus(role.Name, member.SiloAddress.Endpoint.ToString(), role.Machine,
                role.ProcessId, role.Slots, role.Gpus, member.Status.ToString(), running, completed));
        }
        return result;
    }

    /// <summary>Asks every active node to leave, the seed (<paramref name="seed"/>) last; returns the nodes asked.</summary>
    public static async Task<IReadOnlyList<NodeStatus>> Stop(IServiceProvider silo, System.Net.IPEndPoint seed, TimeSpan callTimeout)
    {
        var grains = silo.GetRequiredService<IGrainFactory>();
        var membership = silo.GetRequiredService<IClusterMembershipService>();
        var nodes = (await Status(silo, callTimeout)).Where(n => n.Status == nameof(SiloStatus.Active))
            .OrderBy(n => n.Address == seed.ToString() ? 1 : 0).ToList();
        foreach (var node in nodes)
        {
            if (node.Address == seed.ToString())
            {
                // The seed keeps the membership table: the others leave through it first.
                var until = DateTime.UtcNow + callTimeout;
                while (DateTime.UtcNow < until && membership.CurrentSnapshot.Members.Values.Any(m =>
                           m.Status == SiloStatus.Active && m.SiloAddress.Endpoint.ToString() != node.Address && SiloRole.Parse(m.Name) is { IsNode: true }))
                {
                    await Task.Delay(100);
                }
            }
            var member = membership.CurrentSnapshot.Members.Values.First(m => m.SiloAddress.Endpoint.ToString() == node.Address);
            try
            {
                await grains.GetGrain<INodeGrain>(SiloKey.Node(member.SiloAddress)).Leave().WaitAsync(callTimeout);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException or ArgumentException)
            {
                // Asked; it may be gone already.
            }
        }
        return nodes;
    }
}
