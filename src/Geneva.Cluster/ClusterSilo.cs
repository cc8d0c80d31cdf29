using Geneva.Cluster.Dispatch;
using Geneva.Cluster.Grains;
using Geneva.Cluster.Membership;
using Geneva.Cluster.Node;
using Geneva.Cluster.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Geneva.Cluster;

/// <summary>
/// What every Geneva silo has (its role in its silo name, the pinned placement, fast failure detection)
/// and what its role hosts: a node hosts slot and node grains, a dispatcher hosts dispatcher grains,
/// a tool (status, stop) hosts none. Membership is configured apart (<see cref="ClusterMembership"/>).
/// </summary>
public static class ClusterSilo
{
    public static ISiloBuilder AddGeneva(this ISiloBuilder silo, SiloRole role, NodeOptions? node = null)
    {
        // After any other configuration (a test host names its silos too): the role must be the name.
        silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = role.Encode());
        silo.UseFastFailureDetection();
        silo.Services.AddPlacementDirector<PinnedPlacement, PinnedPlacementDirector>();
        silo.Configure<GrainTypeOptions>(o =>
        {
            if (!role.IsNode)
            {
                o.Classes.Remove(typeof(SlotGrain));
                o.Classes.Remove(typeof(NodeGrain));
            }
            if (!role.IsDispatcher)
            {
                o.Classes.Remove(typeof(DispatcherGrain));
            }
        });
        if (role.IsNode)
        {
            silo.Services.AddSingleton(node ?? throw new ArgumentNullException(nameof(node)));
            silo.Services.AddSingleton<NodeRuntime>();
            silo.Services.AddHostedService<NodeMembershipWatch>();
        }
        if (role.IsDispatcher)
        {
            silo.Services.AddSingleton<DispatcherRegistry>();
        }
        return silo;
    }
}
