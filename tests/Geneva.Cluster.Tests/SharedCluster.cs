using Geneva.Core.Tests;

namespace Geneva.Cluster.Tests;

/// <summary>
/// One in-process cluster for the tests that do not break it: a dispatcher silo and three nodes of two
/// slots that fetch every UDF file from the dispatcher (as nodes that share no folder with it).
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private readonly TestFolder _folder = new();

    public TestClusters Clusters { get; private set; } = null!;

    public string UdfCache => _folder.Table("udf-cache");

    public async Task InitializeAsync() => Clusters = await TestClusters.Start(nodes: 3, slotsPerNode: 2, UdfCache, fetchUdfFiles: true);

    public async Task DisposeAsync()
    {
        await Clusters.DisposeAsync();
        _folder.Dispose();
    }
}
