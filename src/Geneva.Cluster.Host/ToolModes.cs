using System.Net;
using System.Text.Json;

namespace Geneva.Cluster.Host;

/// <summary><c>status</c> and <c>stop</c>: join as a tool silo (it hosts nothing), ask, print JSON lines, leave.</summary>
internal static class ToolModes
{
    public static Task<int> Status(CommandLine args) => Run(args, "status", async (silo, seed, timeout) =>
    {
        foreach (var node in await ClusterTools.Status(silo, timeout))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(node));
        }
        return true;
    });

    public static Task<int> Stop(CommandLine args) => Run(args, "stop", async (silo, seed, timeout) =>
    {
        var asked = await ClusterTools.Stop(silo, seed, timeout);
        foreach (var node in asked)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { name = node.Name, address = node.Address, processId = node.ProcessId }));
        }
        // With the seed gone there is no membership left to leave: a clean leave would only fail noisily.
        return asked.All(n => n.Address != seed.ToString());
    });

    private static async Task<int> Run(CommandLine args, string what, Func<IServiceProvider, IPEndPoint, TimeSpan, Task<bool>> act)
    {
        var seed = CommandLine.Endpoint(args.Required("seed"));
        var timeout = TimeSpan.FromSeconds(args.Double("timeout", 10));
        var host = args.String("host") is { } h ? IPAddress.Parse(h) : CommandLine.LocalAddressFor(seed);
        if (!await SiloHost.Answers(seed, timeout))
        {
            await Console.Error.WriteLineAsync($"No cluster answers at {seed}.");
            return 2;
        }
        using var silo = SiloHost.Build(SiloRole.Tool(what), seed, new IPEndPoint(host, CommandLine.FreePort(host)), gatewayPort: 0);
        try
        {
            using var joining = new CancellationTokenSource(timeout);
            await silo.StartAsync(joining.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or Orleans.Runtime.OrleansException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"No cluster answers at {seed}: {e.Message}");
            return 2;
        }
        await ClusterView.WaitForManifest(silo.Services, timeout);
        if (!await act(silo.Services, seed, timeout))
        {
            await Console.Out.FlushAsync();
            Environment.Exit(0);
        }
        await SiloHost.StopBounded(silo, TimeSpan.FromSeconds(3));
        return 0;
    }
}
