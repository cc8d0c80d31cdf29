using System.Diagnostics;
using Geneva.Core.Execution.Workers;

namespace Geneva.Cluster.Tests;

/// <summary>Starts the dispatch mode as the session's one "worker" (what the module's cluster launcher does).</summary>
public sealed class DispatchLauncher(string seed, int slots, double checkpointTimeoutSeconds = 900) : IWorkerLauncher
{
    public ProcessStartInfo StartInfo(int instances)
    {
        var info = HostProcesses.StartInfo("dispatch", "--seed", seed, "--slots", slots.ToString(),
            "--instances-per-slot", Math.Max(1, instances / slots).ToString(),
            "--checkpoint-timeout", checkpointTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return info;
    }

    public string? PoolKey(int instances) => null;
}
