namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Which GPUs each model worker sees, from the UDF's NumGpus: a whole number N gives each worker N
/// GPUs of its own, a fraction puts several workers on one GPU; workers go round the visible GPUs
/// so all are used. Applies only to UDFs that ask for GPUs and do not pin a device (cuda:N).
/// </summary>
public sealed class GpuAssignment
{
    private readonly IReadOnlyList<string> _ids;
    private readonly int _perWorker;

    private GpuAssignment(IReadOnlyList<string> ids, int perWorker)
    {
        _ids = ids;
        _perWorker = perWorker;
    }

    /// <summary>Null when there is nothing to assign: no GPU asked for or visible, or a pinned device.</summary>
    public static GpuAssignment? Create(double numGpus, string? device, IReadOnlyList<string> visibleIds)
    {
        var pinned = device is not null && device.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase);
        if (numGpus <= 0 || visibleIds.Count == 0 || pinned)
        {
            return null;
        }
        return new GpuAssignment(visibleIds, Math.Clamp((int)Math.Floor(numGpus), 1, visibleIds.Count));
    }

    /// <summary>The CUDA_VISIBLE_DEVICES value for the <paramref name="worker"/>-th worker started (0-based).</summary>
    public string For(int worker)
    {
        var groups = Math.Max(1, _ids.Count / _perWorker);
        var first = worker % groups * _perWorker;
        return string.Join(",", _ids.Skip(first).Take(_perWorker));
    }
}
