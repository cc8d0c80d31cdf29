using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Geneva.Cluster.Placement;

/// <summary>
/// Activates a pinned grain on the silo its key names, never elsewhere: a slot stands for a node's
/// local worker process, so moving it would run the task on a machine nobody asked for. A key naming a
/// silo that is gone (or cannot host the class) fails the call, and the caller treats the slot as lost.
/// </summary>
public sealed class PinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var silo = SiloKey.SiloOf(key) ?? throw new OrleansException($"Grain key '{key}' names no silo.");
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new OrleansException($"Silo {silo} named by grain key '{key}' is not an active silo that can host {target.GrainIdentity.Type}.");
        }
        return Task.FromResult(silo);
    }
}
