using Geneva.Cluster.Placement;
using Geneva.Core.Execution.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Geneva.Cluster.Dispatch;

/// <summary>
/// A <see cref="Dispatcher"/> running on a dispatcher silo: registered under its grain key, fed the
/// worker nodes alive from the membership (a dead node's tasks are re-sent at once), and ticked for
/// deadlines and heartbeats.
/// </summary>
public sealed class ClusterDispatcher : IAsyncDisposable
{
    private readonly DispatcherRegistry _registry;
    private readonly IClusterMembershipService _membership;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;
    private readonly Timer _ticker;
    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterDispatcher(IServiceProvider silo, int slots, int instancesPerSlot, TimeSpan checkpointTimeout, Action<WorkerMessage> send)
    {
        _registry = silo.GetRequiredService<DispatcherRegistry>();
        _membership = silo.GetRequiredService<IClusterMembershipService>();
        var self = silo.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var key = SiloKey.Of(self, $"dispatcher/{Guid.NewGuid():N}");
        Dispatcher = new Dispatcher(key, new GrainSlotChannel(silo.GetRequiredService<IGrainFactory>(), key), slots, instancesPerSlot,
            checkpointTimeout, send);
        _registry.Add(Dispatcher);
        Apply(_membership.CurrentSnapshot);
        _watch = Task.Run(Watch);
        _ticker = new Timer(_ => Dispatcher.Tick(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    public Dispatcher Dispatcher { get; }

    /// <summary>Starts a dispatcher on the silo whose services these are (a silo that joined as a dispatcher).</summary>
    public static ClusterDispatcher Start(IServiceProvider silo, int slots, int instancesPerSlot, TimeSpan checkpointTimeout,
        Action<WorkerMessage> send) => new(silo, slots, instancesPerSlot, checkpointTimeout, send);

    /// <summary>Waits (bounded) until the membership offers the slots asked for, so the hello can say what runs.</summary>
    public async Task WaitForSlots(int slots, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Dispatcher.Slots.Count < slots && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
    }

    private async Task Watch()
    {
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                Apply(snapshot);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Apply(ClusterMembershipSnapshot snapshot)
    {
        var nodes = new List<NodeEntry>();
        foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active))
        {
            if (SiloRole.Parse(member.Name) is { IsNode: true } role)
            {
                nodes.Add(new NodeEntry(member.SiloAddress.ToParsableString(), role.Name, role.Slots));
            }
        }
        Dispatcher.UpdateNodes(nodes);
    }

    public async ValueTask DisposeAsync()
    {
        await _ticker.DisposeAsync();
        await _stop.CancelAsync();
        await _watch;
        _registry.Remove(Dispatcher);
        _stop.Dispose();
    }
}
