using System.Diagnostics;

namespace Geneva.Core.Execution.Workers;

/// <summary>Says how to start a worker process for a UDF (Geneva.Worker, or pwsh for scriptblocks).</summary>
public interface IWorkerLauncher
{
    /// <summary>A start description with stdin and stdout redirected, running <paramref name="instances"/> UDF instances.</summary>
    ProcessStartInfo StartInfo(int instances);

    /// <summary>
    /// Identifies a launch for <see cref="WorkerPool"/>: workers with equal keys are interchangeable.
    /// Null: never pool (for example, workers that each get their own GPUs).
    /// </summary>
    string? PoolKey(int instances) => WorkerLaunchKey.Of(StartInfo(instances));
}
