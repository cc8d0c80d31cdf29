namespace Geneva.Core.Execution.Workers;

/// <summary>
/// How many worker processes fit: CPU UDFs by NumCpus per worker against the machine's cores,
/// GPU UDFs by NumGpus against visible GPUs (fractions share a GPU). Asking for more runs what fits
/// and says so; it never fails a job for that alone (local Ray hangs there instead).
/// </summary>
public static class WorkerCapacity
{
    public static (int Workers, string? Note) Fit(int requested, double numCpus, double numGpus, int cores, int gpus)
    {
        int fit;
        string resource;
        if (numGpus > 0)
        {
            fit = gpus == 0 ? 1 : (int)Math.Floor(gpus / numGpus);
            resource = gpus == 0 ? "no GPU is visible, so one worker runs" : $"{gpus} GPU(s) at {numGpus} per worker";
        }
        else
        {
            fit = (int)Math.Floor(cores / Math.Max(numCpus, 0.001));
            resource = $"{cores} core(s) at {numCpus} per worker";
        }
        fit = Math.Max(1, fit);
        return requested <= fit
            ? (requested, null)
            : (fit, $"Concurrency {requested} asks for more than this machine offers ({resource}); running {fit} worker(s).");
    }

    /// <summary>GPUs this process may use, from CUDA_VISIBLE_DEVICES or /dev/nvidia*; 0 when none.</summary>
    public static int VisibleGpus() => VisibleGpuIds().Count;

    /// <summary>The ids of the GPUs this process may use, as CUDA_VISIBLE_DEVICES names them (indexes or UUIDs).</summary>
    public static IReadOnlyList<string> VisibleGpuIds()
    {
        var visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        if (visible is not null)
        {
            return visible.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .TakeWhile(d => d != "-1").ToList();
        }
        return OperatingSystem.IsLinux() && Directory.Exists("/dev")
            ? Directory.GetFiles("/dev", "nvidia*").Select(Path.GetFileName)
                .Where(f => f!.Length > 6 && f[6..].All(char.IsDigit))
                .Select(f => f![6..]).OrderBy(int.Parse).ToList()
            : [];
    }
}
