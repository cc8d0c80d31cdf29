using Geneva.Cluster.Grains;
using Geneva.Cluster.Placement;
using Orleans.Runtime;

namespace Geneva.Cluster.Dispatch;

/// <summary>Slots as grains: <c>&lt;node silo&gt;/&lt;slot&gt;</c>, activated on that node by the pinned placement.</summary>
public sealed class GrainSlotChannel(IGrainFactory grains, string dispatcherKey) : ISlotChannel
{
    public Task Start(SlotRef slot, SlotAssignment assignment) => Grain(slot).Start(assignment);

    public Task Abandon(SlotRef slot, long dispatchId) => Grain(slot).Abandon(dispatcherKey, dispatchId);

    private ISlotGrain Grain(SlotRef slot) =>
        grains.GetGrain<ISlotGrain>(SiloKey.Slot(SiloAddress.FromParsableString(slot.Node), slot.Index));
}
