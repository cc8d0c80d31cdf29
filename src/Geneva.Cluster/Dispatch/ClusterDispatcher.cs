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
    private readonly IServiceProvider _services;
    private readonly DispatcherRegistry _registry;
    private readonly IClusterMembershipService _membership;
    private readonly IClusterManifestProvider _manifest;
    private readonly Task _watchManifest;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;
    private readonly Timer _ticker;
    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterDispatcher(IServiceProvider silo, int slots, int instancesPerSlot, TimeSpan checkpointTimeout, Action<WorkerMessage> send)
    {
        _services = silo;
        _registry = silo.GetRequiredService<DispatcherRegistry>();
        _membership = silo.GetRequiredService<IClusterMembershipService>();
        _manifest = silo.GetRequiredService<IClusterManifestProvider>();
        var self = silo.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var key = SiloKey.Of(self, $"dispatcher/{Guid.NewGuid():N}");
        Dispatcher = new Dispatcher(key, new GrainSlotChannel(silo.GetRequiredService<IGrainFactory>(), key), slots, instancesPerSlot,
            checkpointTimeout, send);
        _registry.Add(Dispatcher);
        Apply();
        _watch = Task.Run(Watch);
        _watchManifest = Task.Run(WatchManifest);
        _ticker = new Timer(_ => Dispatcher.Tick(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    public Dispatcher Dispatcher { get; }

    /// <summary>Starts a dispatcher on the silo whose services these are (a silo that joined as a dispatcher).</summary>
    public static ClusterDispatcher Start(IServiceProvider silo, int slots, int instancesPerSlot, TimeSpan checkpointTimeout,
        Action<WorkerMessage> send) => new(silo, slots, instancesPerSlot, checkpointTimeout, send);

    /// <summary>Waits (bounded) until the membership offers the slots asked for, so the hello can say what runs.</summary>
    public async Task WaitForSlots(int slots, TimeSpan timeout)
    {
        // Nodes already in the membership count once this silo's manifest lists them (it lags the join).
        await ClusterView.WaitForManifest(_services, timeout);
        Apply();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (Dispatcher.Slots.Count < slots && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
    }

    private async Task Watch()
    {
        try
        {
            await foreach (var _ in _membership.MembershipUpdates.WithCancellation(_stop.Token))
            {
                Apply();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WatchManifest()
    {
        try
        {
            await foreach (var _ in _manifest.Updates.WithCancellation(_stop.Token))
            {
                Apply();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Apply() => Dispatcher.UpdateNodes(ClusterView.Nodes(_membership.CurrentSnapshot, _manifest.Current)
        .Select(n => new NodeEntry(n.Member.SiloAddress.ToParsableString(), n.Role.Name, n.Role.Slots)));

    public async ValueTask DisposeAsync()
    {
        await _ticker.DisposeAsync();
        await _stop.CancelAsync();
        await _watch;
        await _watchManifest;
        _registry.Remove(Dispatcher);
        _stop.Dispose();
    }
}
