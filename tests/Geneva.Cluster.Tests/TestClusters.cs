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

    public IServiceProvider Dispatcher => DispatcherSilo.ServiceProvider;

    public InProcessSiloHandle DispatcherSilo => Cluster.Silos.Single(s => IndexOf(s.Name) == 0);

    public IReadOnlyList<InProcessSiloHandle> Nodes => Cluster.Silos.Where(s => IndexOf(s.Name) != 0).OrderBy(s => IndexOf(s.Name)).ToList();

    /// <summary>The test host's silo number from its name (Silo_0, Silo_1, ...; Primary in some versions).</summary>
    public static int IndexOf(string siloName) => siloName == "Primary" ? 0 : int.Parse(siloName.Split('_')[^1]);

    public static NodeRuntime Runtime(InProcessSiloHandle node) => node.ServiceProvider.GetRequiredService<NodeRuntime>();

    public static async Task<TestClusters> Start(int nodes, int slotsPerNode, string udfCache, bool fetchUdfFiles = false, int gpus = 0)
    {
        var builder = new InProcessTestClusterBuilder((short)(nodes + 1));
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var index = IndexOf(options.SiloName);
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
        foreach (var node in Cluster.Silos.Where(s => IndexOf(s.Name) != 0))
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
