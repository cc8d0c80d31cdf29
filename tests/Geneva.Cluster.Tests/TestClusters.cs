using Geneva.Cluster.Node;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Geneva.Cluster.Tests;

/// <summary>
/// An in-process Orleans cluster: silo 0 a dispatcher silo (it hosts no slots), silos 1..N worker nodes
/// whose slots start real Geneva.Worker processes from the test folder.
/// </summary>
public sealed class TestClusters : IAsyncDisposable
{
    private TestClusters(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IServiceProvider Dispatcher => Cluster.Silos[0].ServiceProvider;

    public IReadOnlyList<InProcessSiloHandle> Nodes => Cluster.Silos.Skip(1).ToList();

    public static NodeRuntime Runtime(InProcessSiloHandle node) => node.ServiceProvider.GetRequiredService<NodeRuntime>();

    public static async Task<TestClusters> Start(int nodes, int slotsPerNode, string udfCache, bool fetchUdfFiles = false, int gpus = 0)
    {
        var builder = new InProcessTestClusterBuilder((short)(nodes + 1));
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var index = options.SiloName == "Primary" ? 0 : int.Parse(options.SiloName.Split('_')[^1]);
            if (index == 0)
            {
                silo.AddGeneva(SiloRole.Dispatcher());
                return;
            }
            var name = $"n{index}";
            silo.AddGeneva(SiloRole.Node(name, slotsPerNode, gpus), new NodeOptions
            {
                Name = name, Slots = slotsPerNode, Gpus = gpus, WorkerBin = AppContext.BaseDirectory,
                UdfCache = Path.Combine(udfCache, name), FetchUdfFiles = fetchUdfFiles,
            });
        });
        var cluster = builder.Build();
        using var deploying = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await cluster.DeployAsync(deploying.Token);
        return new TestClusters(cluster);
    }

    public async ValueTask DisposeAsync()
    {
        // Kill the node's local workers first: a killed silo's runtime is not disposed by its host.
        foreach (var node in Cluster.Silos.Skip(1))
        {
            Runtime(node).Dispose();
        }
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Cluster.StopAllSilosAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await Cluster.DisposeAsync();
    }
}
