using System.Threading.Channels;
using Geneva.Cluster.Grains;
using Geneva.Core.Execution.Workers;
using Microsoft.Extensions.Logging;

namespace Geneva.Cluster.Node;

/// <summary>
/// Sends one dispatcher its answers one call at a time, in the order the worker wrote them (a receipt
/// must arrive before its task's done). A dispatcher that is gone fails the calls fast; they are dropped.
/// </summary>
internal sealed class Reporter
{
    private readonly Channel<Func<Task>> _calls = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });

    public Reporter(IDispatcherGrain dispatcher, ILogger log)
    {
        Dispatcher = dispatcher;
        _ = Task.Run(async () =>
        {
            await foreach (var call in _calls.Reader.ReadAllAsync())
            {
                try
                {
                    await call();
                }
                catch (Exception e)
                {
                    log.LogWarning("Could not reach dispatcher {Dispatcher}: {Message}", dispatcher.GetPrimaryKeyString(), e.Message);
                }
            }
        });
    }

    public IDispatcherGrain Dispatcher { get; }

    public void Report(long dispatchId, WorkerMessage message)
    {
        var line = message.ToLine();
        _calls.Writer.TryWrite(() => Dispatcher.Report(dispatchId, line));
    }

    public void Lost(long dispatchId, string reason) => _calls.Writer.TryWrite(() => Dispatcher.Lost(dispatchId, reason));
}
