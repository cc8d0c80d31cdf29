using Geneva.Cluster.Grains;

namespace Geneva.Cluster.Dispatch;

/// <summary>How a <see cref="Dispatcher"/> reaches slots (grain calls in a cluster); a failed call counts as a lost dispatch.</summary>
public interface ISlotChannel
{
    Task Start(SlotRef slot, SlotAssignment assignment);

    Task Abandon(SlotRef slot, long dispatchId);
}
