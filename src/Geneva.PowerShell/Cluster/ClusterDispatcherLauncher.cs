using System.Diagnostics;
using System.Globalization;
using Geneva.Core.Execution.Workers;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// Starts a cluster's dispatcher as the one "worker" of a -Cluster backfill: Geneva.Cluster.Host in dispatch mode joins
/// the cluster at <paramref name="seed"/> (host:port, or its membership database's connection string) as a silo and speaks the worker protocol on stdin/stdout, spreading tasks over
/// <paramref name="slots"/> slots of the nodes. Never pooled: each run gets its own dispatcher.
/// </summary>
internal sealed class ClusterDispatcherLauncher(string seed, int slots, int checkpointTimeoutSeconds) : IWorkerLauncher
{
    /// <param name="instances">UDF instances in all: slots times the instances per slot.</param>
    public ProcessStartInfo StartInfo(int instances)
    {
        var perSlot = Math.Max(1, instances / Math.Max(1, slots));
        var info = ClusterHost.StartInfo("dispatch",
        [
            "--slots", slots.ToString(CultureInfo.InvariantCulture),
            "--instances-per-slot", perSlot.ToString(CultureInfo.InvariantCulture),
            "--checkpoint-timeout", checkpointTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ]);
        return ClusterHost.Locate(info, seed);
    }

    public string? PoolKey(int instances) => null;
}
