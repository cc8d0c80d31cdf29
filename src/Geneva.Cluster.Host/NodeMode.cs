using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Geneva.Cluster.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Geneva.Cluster.Host;

/// <summary>
/// <c>node</c>: a worker silo with M slots. Prints one ready line when it has joined, then leaves the
/// cluster cleanly on SIGINT/SIGTERM, on a stop from the cluster, or at end of stdin when asked to.
/// </summary>
internal static class NodeMode
{
    public static async Task<int> Run(CommandLine args)
    {
        var host = IPAddress.Parse(args.String("host") ?? "127.0.0.1");
        var siloPort = args.Int("silo-port", 0) is var sp and > 0 ? sp : CommandLine.FreePort(host);
        var gatewayPort = args.Int("gateway-port", 0) is var gp and > 0 ? gp : CommandLine.FreePort(host);
        var self = new IPEndPoint(host, siloPort);
        var postgres = args.Postgres;
        if (postgres is not null)
        {
            // An empty database gets the membership schema from the first node (idempotent, safe concurrently).
            try
            {
                await Geneva.Cluster.Membership.PostgresMembership.InstallSchemaAsync(postgres);
            }
            catch (System.Data.Common.DbException e)
            {
                // One line for whoever started the node, not a stack trace.
                await Console.Error.WriteLineAsync($"The membership database did not answer: {e.Message}");
                return 2;
            }
        }
        var seed = postgres is null && args.String("seed") is { } s ? CommandLine.Endpoint(s) : self;
        var name = args.String("name") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        var slots = Math.Max(1, args.Int("slots", 1));
        var gpus = args.Int("gpus", 0);
        var options = new NodeOptions
        {
            Name = name,
            Slots = slots,
            Gpus = gpus,
            WorkerBin = args.String("worker-bin") ?? DefaultWorkerBin(),
            Pwsh = args.String("pwsh"),
            PwshDll = args.String("pwsh-dll"),
            TorchWorker = args.String("torch-worker"),
            UdfCache = args.String("udf-cache") ?? Path.Combine(Path.GetTempPath(), "geneva-udf-cache"),
            FetchUdfFiles = args.Flag("fetch-udf-files"),
        };
        using var silo = SiloHost.Build(SiloRole.Node(name, slots, gpus), seed, self, gatewayPort, options, postgres);
        var lifetime = silo.Services.GetRequiredService<IHostApplicationLifetime>();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
        await silo.StartAsync(lifetime.ApplicationStopping);
        var runtime = silo.Services.GetRequiredService<NodeRuntime>();
        runtime.LeaveRequested = lifetime.StopApplication;
        Console.Out.WriteLine(JsonSerializer.Serialize(new
        {
            type = "ready",
            name,
            address = self.ToString(),
            gateway = new IPEndPoint(host, gatewayPort).ToString(),
            processId = Environment.ProcessId,
            slots,
            gpus,
        }));
        Console.Out.Flush();
        if (args.Flag("stop-on-stdin-close"))
        {
            // A node whose parent died goes too: the parent held the other end of stdin.
            _ = Task.Run(async () =>
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await stdin.ReadAsync(buffer) > 0)
                {
                }
                lifetime.StopApplication();
            });
        }
        await silo.WaitForShutdownAsync();
        runtime.Dispose();
        return 0;

        void Leave(PosixSignalContext context)
        {
            context.Cancel = true; // leave cleanly rather than die at once
            Console.Error.WriteLine($"Node {name} is leaving the cluster ({context.Signal}).");
            lifetime.StopApplication();
        }
    }

    /// <summary>The module's bin folder when the host sits in its cluster/ folder, else the host's own folder.</summary>
    private static string DefaultWorkerBin()
    {
        var own = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(own);
        return parent is not null && File.Exists(Path.Combine(parent, "Geneva.Worker.dll")) ? parent : own;
    }
}
