using System.Net;
using System.Text;
using Geneva.Cluster.Dispatch;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;

namespace Geneva.Cluster.Host;

/// <summary>
/// <c>dispatch</c>: the coordinator's silo, speaking the worker protocol on stdin/stdout: hello, then
/// task lines answered with receipts and done (or failed) under the session's task number, notices and
/// heartbeats; shutdown or end of stdin ends it.
/// </summary>
internal static class DispatchMode
{
    public static async Task<int> Run(CommandLine args)
    {
        var seed = CommandLine.Endpoint(args.Required("seed"));
        var slots = Math.Max(1, args.Int("slots", 1));
        var instances = Math.Max(1, args.Int("instances-per-slot", 1));
        var timeout = TimeSpan.FromSeconds(args.Double("checkpoint-timeout", BackfillSettings.DefaultCheckpointTimeoutSeconds));
        var host = args.String("host") is { } h ? IPAddress.Parse(h) : CommandLine.LocalAddressFor(seed);
        var self = new IPEndPoint(host, CommandLine.FreePort(host));

        // The protocol owns stdout; anything else that writes to the console goes to stderr.
        var protocol = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        Console.SetOut(Console.Error);
        var gate = new Lock();
        List<string>? beforeHello = [];
        void Send(WorkerMessage message)
        {
            var line = message.ToLine();
            lock (gate)
            {
                if (beforeHello is not null && message.Type != WorkerMessage.Hello)
                {
                    beforeHello.Add(line); // the hello comes first
                    return;
                }
                protocol.WriteLine(line);
                beforeHello?.ForEach(protocol.WriteLine);
                beforeHello = null;
            }
        }

        if (!await SiloHost.Answers(seed, TimeSpan.FromSeconds(5)))
        {
            await Console.Error.WriteLineAsync($"No cluster answers at {seed}.");
            return 2;
        }
        using var silo = SiloHost.Build(SiloRole.Dispatcher(), seed, self, gatewayPort: 0);
        using (var joining = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await silo.StartAsync(joining.Token);
        }
        var dispatcher = ClusterDispatcher.Start(silo.Services, slots, instances, timeout, Send);
        await dispatcher.WaitForSlots(slots, TimeSpan.FromSeconds(10));
        var warning = dispatcher.Dispatcher.CapacityWarning();
        Send(new WorkerMessage
        {
            Type = WorkerMessage.Hello,
            Worker = $"dispatcher@{Environment.MachineName}:{Environment.ProcessId}",
            Message = warning,
        });
        if (warning is not null)
        {
            // Also as a notice: a session that only logs a hello's worker still tells the user.
            Send(new WorkerMessage { Type = WorkerMessage.Notice, Message = warning });
        }
        using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        while (await input.ReadLineAsync() is { } line)
        {
            if (WorkerMessage.TryParse(line) is not { } message)
            {
                continue;
            }
            if (message.Type == WorkerMessage.Shutdown)
            {
                break;
            }
            if (message.Type == WorkerMessage.Task && message.Spec is not null)
            {
                dispatcher.Dispatcher.Submit(message);
            }
        }
        await dispatcher.DisposeAsync();
        // Within the session's wait for a worker to exit after shutdown (3 s).
        await SiloHost.StopBounded(silo, TimeSpan.FromSeconds(2.5));
        return 0;
    }
}
