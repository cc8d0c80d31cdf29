using System.Threading.Channels;
using Geneva.Cluster.Grains;
using Geneva.Core.Execution.Workers;
using Microsoft.Extensions.Logging;

namespace Geneva.Cluster.Node;

/// <summary>
/// Sends one dispatcher its answers one call at a time, in the order the worker wrote them (a receipt
/// must arrive before its task's done). A call that fails is tried again a few times; a dispatch that
/// lost an answer for good ends as "lost" rather than "done", so the dispatcher re-sends it from the last
/// receipt it has instead of finishing a task with a hole. A dispatcher that is gone fails calls fast.
/// </summary>
internal sealed class Reporter
{
    private const int Tries = 3;

    private readonly Channel<(long DispatchId, string? Line, string? Lost)> _calls =
        Channel.CreateUnbounded<(long, string?, string?)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly HashSet<long> _broken = [];

    public Reporter(IDispatcherGrain dispatcher, ILogger log)
    {
        Dispatcher = dispatcher;
        _ = Task.Run(async () =>
        {
            await foreach (var (id, line, lost) in _calls.Reader.ReadAllAsync())
            {
                var (sendLine, sendLost) = _broken.Contains(id) && line is not null && WorkerMessage.TryParse(line)?.Type == WorkerMessage.Done
                    ? (null, "an answer of this dispatch could not be delivered")
                    : (line, lost);
                for (var attempt = 1; attempt <= Tries; attempt++)
                {
                    try
                    {
                        await (sendLine is not null ? dispatcher.Report(id, sendLine) : dispatcher.Lost(id, sendLost!));
                        break;
                    }
                    catch (Exception e)
                    {
                        log.LogWarning("Could not reach dispatcher {Dispatcher} (try {Attempt} of {Tries}): {Message}",
                            dispatcher.GetPrimaryKeyString(), attempt, Tries, e.Message);
                        if (attempt == Tries)
                        {
                            _broken.Add(id);
                        }
                        else
                        {
                            await Task.Delay(200 * attempt);
                        }
                    }
                }
            }
        });
    }

    public IDispatcherGrain Dispatcher { get; }

    public void Report(long dispatchId, WorkerMessage message) => _calls.Writer.TryWrite((dispatchId, message.ToLine(), null));

    public void Lost(long dispatchId, string reason) => _calls.Writer.TryWrite((dispatchId, null, reason));
}
