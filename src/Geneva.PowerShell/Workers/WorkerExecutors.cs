using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Cluster;
using Geneva.Torch.Launch;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// Picks where a backfill's UDF runs: worker processes always, so a crash or a native-library
/// clash in a UDF never takes the user's session down — Geneva.Worker for .NET and expression
/// UDFs, pwsh for scriptblocks, Geneva.Torch.Worker for models — as many as fit the machine.
/// </summary>
internal static class WorkerExecutors
{
    /// <summary>This session's idle workers: the next backfill starts on a warm process.</summary>
    private static readonly WorkerPool s_pool = new(TimeSpan.FromMinutes(5));

    public static Func<UdfSpec, BackfillSettings, ITaskExecutor> Factory(Action<string> note) => (udf, settings) =>
    {
        var (workers, message) = WorkerCapacity.Fit(settings.Concurrency, udf.NumCpus, udf.NumGpus,
            Environment.ProcessorCount, WorkerCapacity.VisibleGpus());
        if (message is not null)
        {
            note(message);
        }
        var bin = Path.GetDirectoryName(typeof(WorkerExecutors).Assembly.Location)!;
        IWorkerLauncher launcher = udf.Kind switch
        {
            UdfKind.ScriptBlock => new PwshWorkerLauncher(),
            // Its own folder: TorchSharp and libtorch never sit beside the module's assemblies.
            UdfKind.Model => new TorchWorkerLauncher(TorchWorkerLocation.Require(),
                gpus: GpuAssignment.Create(udf.NumGpus, udf.Device, WorkerCapacity.VisibleGpuIds())),
            _ => new DotNetWorkerLauncher(ReadyToRunFolder.Pick(bin, "Geneva.Worker.dll")),
        };
        return new ProcessTaskExecutor(launcher, workers, settings.IntraApplierConcurrency,
            TimeSpan.FromSeconds(settings.CheckpointTimeout), s_pool);
    };

    /// <summary>
    /// A -Cluster run: one "worker", the cluster's dispatcher, with every slot's UDF instances; Concurrency is the slots
    /// to use across nodes. <paramref name="slotsWhenDefault"/>: the cluster's slots, which bound a Concurrency the user
    /// did not give (null when given: the dispatcher warns when the cluster has fewer).
    /// </summary>
    public static Func<UdfSpec, BackfillSettings, ITaskExecutor> Cluster(string seed, int? slotsWhenDefault) => (_, settings) =>
    {
        var slots = slotsWhenDefault is int offered ? Math.Max(1, Math.Min(settings.Concurrency, offered)) : settings.Concurrency;
        return new ProcessTaskExecutor(new ClusterDispatcherLauncher(seed, slots, settings.CheckpointTimeout), workers: 1,
            instancesPerWorker: slots * settings.IntraApplierConcurrency, TimeSpan.FromSeconds(settings.CheckpointTimeout), pool: null);
    };
}
