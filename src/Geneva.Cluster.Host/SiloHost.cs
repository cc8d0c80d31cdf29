using System.Net;
using Geneva.Cluster.Membership;
using Geneva.Cluster.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Geneva.Cluster.Host;

/// <summary>A silo of the given role on this machine, joined to the cluster of the seed; logs to stderr only.</summary>
internal static class SiloHost
{
    public static IHost Build(SiloRole role, IPEndPoint seed, IPEndPoint self, int gatewayPort, NodeOptions? node = null, string? postgres = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var level = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("GENEVA_CLUSTER_LOG"), true, out var l) ? l : LogLevel.Warning;
        builder.Logging.SetMinimumLevel(level);
        if (level >= LogLevel.Warning)
        {
            // Start-up notes (server GC advice) and the watchdog's timer-drift warnings on a busy machine: noise in a worker's error text.
            builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        }
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.UseOrleans(silo => (postgres is null ? silo.UseSeed(seed, self, gatewayPort) : silo.UsePostgres(postgres, self, gatewayPort))
            .AddGeneva(role, node));
        return builder.Build();
    }

    /// <summary>
    /// Where the cluster is, for dispatch, status and stop: the --seed that answers, or with --postgres the first
    /// active node in the membership table (it stands in for the seed: the local address that reaches it, stop's
    /// last node). Null when no cluster is there, or its database does not answer.
    /// </summary>
    public static async Task<IPEndPoint?> Locate(CommandLine args, TimeSpan timeout)
    {
        if (args.Postgres is { } postgres)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                var active = await PostgresMembership.ActiveSilosAsync(postgres, cancel.Token);
                return active.Count > 0 ? active[0] : null;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or TimeoutException)
            {
                // An unreachable database is no cluster there (exit 2), not a crash.
                await Console.Error.WriteLineAsync($"The membership database did not answer: {e.Message}");
                return null;
            }
        }
        var seed = CommandLine.Endpoint(args.Required("seed"));
        return await Answers(seed, timeout) ? seed : null;
    }

    /// <summary>Whether anything listens at the seed (a cluster that is not there fails fast, not after the join timeout).</summary>
    public static async Task<bool> Answers(IPEndPoint seed, TimeSpan timeout)
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(seed, cancel.Token);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops, but never for longer than <paramref name="timeout"/> (a silo whose seed left may not leave cleanly).</summary>
    public static async Task StopBounded(IHost host, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await host.StopAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
