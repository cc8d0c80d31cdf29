namespace Geneva.Cluster.Grains;

/// <summary>One slot of a node (key <c>&lt;silo&gt;/&lt;slot&gt;</c>, pinned there): runs tasks on its local worker process.</summary>
public interface ISlotGrain : IGrainWithStringKey
{
    /// <summary>Queues the task and returns; the answers go to the assignment's dispatcher.</summary>
    Task Start(SlotAssignment assignment);

    /// <summary>Gives up a dispatch of a dispatcher (which re-sent it elsewhere): its worker process is killed.</summary>
    Task Abandon(string dispatcher, long dispatchId);
}
