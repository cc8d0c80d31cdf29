using Geneva.Cluster.Dispatch;
using Geneva.Cluster.Placement;
using Geneva.Core.Execution.Workers;
using Orleans.Concurrency;

namespace Geneva.Cluster.Grains;

/// <summary>A dispatcher's inbox, on the dispatcher's silo; hands everything to the <see cref="Dispatcher"/> registered under its key.</summary>
[PinnedPlacement, Reentrant]
public sealed class DispatcherGrain(DispatcherRegistry registry) : Grain, IDispatcherGrain
{
    private Dispatcher? Target => registry.Find(this.GetPrimaryKeyString());

    public Task Report(long dispatchId, string line)
    {
        if (WorkerMessage.TryParse(line) is { } message)
        {
            Target?.Report(dispatchId, message);
        }
        return Task.CompletedTask;
    }

    public Task Lost(long dispatchId, string reason)
    {
        Target?.Lost(dispatchId, reason);
        return Task.CompletedTask;
    }

    public Task<UdfChunk> ReadUdf(string path, long offset, int count) =>
        Task.FromResult((Target ?? throw new InvalidOperationException("The dispatcher has ended.")).ReadUdf(path, offset, count));
}
