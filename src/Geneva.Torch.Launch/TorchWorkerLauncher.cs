using System.Diagnostics;
using Geneva.Core;
using Geneva.Core.Execution.Workers;

namespace Geneva.Torch.Launch;

/// <summary>
/// Starts Geneva.Torch.Worker for model UDFs, on a host that can load libtorch here (the OS-specific
/// part is an <see cref="ITorchHostPlatform"/>: on Linux, possibly a private glibc/libstdc++,
/// <see cref="LinuxTorchRuntime"/>). Only the worker runs on it, never the session.
/// </summary>
public sealed class TorchWorkerLauncher : IWorkerLauncher
{
    public const string RuntimeVariable = "GENEVA_TORCH_RUNTIME";

    /// <summary>Set it (ACTIVE or PASSIVE) in the session to choose for the workers; unset, they wait passively.</summary>
    public const string OpenMpWaitPolicyVariable = "OMP_WAIT_POLICY";

    private static readonly ITorchHostPlatform s_platform =
        OperatingSystem.IsLinux() ? new LinuxTorchHostPlatform() : new PortableTorchHostPlatform();

    private readonly string _workerDll;
    private readonly string _runtime;
    private readonly GpuAssignment? _gpus;
    private int _started;

    /// <param name="runtime">The private runtime folder; default: $GENEVA_TORCH_RUNTIME, else torch-runtime beside the worker.</param>
    /// <param name="gpus">How workers share the visible GPUs; null leaves CUDA_VISIBLE_DEVICES as it is.</param>
    public TorchWorkerLauncher(string workerDll, string? runtime = null, GpuAssignment? gpus = null)
    {
        _workerDll = workerDll;
        _runtime = runtime ?? Environment.GetEnvironmentVariable(RuntimeVariable)
            ?? Path.Combine(Path.GetDirectoryName(workerDll)!, "torch-runtime");
        _gpus = gpus;
    }

    public ProcessStartInfo StartInfo(int instances)
    {
        if (!File.Exists(_workerDll))
        {
            throw new GenevaException(GenevaErrorCode.TorchRuntimeMissing,
                $"The model worker '{_workerDll}' is not installed.", _workerDll);
        }
        var info = HostStartInfo(_runtime);
        if (Environment.GetEnvironmentVariable(OpenMpWaitPolicyVariable) is null)
        {
            // libtorch's OpenMP threads spin between parallel regions by default. A worker shares the
            // cores with the coordinator, its checkpoint writes and other workers, and spinning threads
            // take CPU from them: measured at 1M rows, 1.79x the bare loop's CPU seconds spinning, 1.18x passive.
            info.Environment[OpenMpWaitPolicyVariable] = "PASSIVE";
        }
        if (_gpus?.For(Interlocked.Increment(ref _started) - 1) is { } visible)
        {
            // Inside the worker its GPUs are cuda:0.., so "cuda" and "auto" land on its share.
            info.Environment["CUDA_VISIBLE_DEVICES"] = visible;
        }
        info.ArgumentList.Add(_workerDll);
        info.ArgumentList.Add("--instances");
        info.ArgumentList.Add(instances.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return info;
    }

    /// <summary>
    /// How to start a .NET program that loads libtorch on this system: the system's dotnet, or where
    /// the system's libstdc++ is too old, the private runtime's muxer and libraries. Add the program's dll and arguments.
    /// </summary>
    public static ProcessStartInfo HostStartInfo(string runtime) => s_platform.HostStartInfo(runtime);

    /// <summary>Workers with their own GPUs are not interchangeable, so they are not pooled.</summary>
    public string? PoolKey(int instances) => _gpus is null ? WorkerLaunchKey.Of(StartInfo(instances)) : null;
}
