using Geneva.Cluster.Node;
using Geneva.Cluster.Placement;
using Orleans.Concurrency;

namespace Geneva.Cluster.Grains;

/// <summary>A slot, on its node's silo; the work happens in the node's <see cref="NodeRuntime"/>.</summary>
[PinnedPlacement, Reentrant]
public sealed class SlotGrain(NodeRuntime node) : Grain, ISlotGrain
{
    private int Index => int.Parse(SiloKey.RestOf(this.GetPrimaryKeyString()), System.Globalization.CultureInfo.InvariantCulture);

    public Task Start(SlotAssignment assignment)
    {
        if (Index < 0 || Index >= node.Options.Slots)
        {
            throw new ArgumentOutOfRangeException(nameof(assignment), $"Node {node.Options.Name} has no slot {Index}.");
        }
        return node.Start(Index, assignment);
    }

    public Task Abandon(string dispatcher, long dispatchId)
    {
        node.Abandon(dispatcher, dispatchId);
        return Task.CompletedTask;
    }
}
