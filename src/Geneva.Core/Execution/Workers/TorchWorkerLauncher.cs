using System.Diagnostics;
using System.Text;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Starts Geneva.Torch.Worker for model UDFs. libtorch as TorchSharp-cpu 0.107.0 ships it needs
/// GCC 13's libstdc++ (symbol <see cref="RequiredSymbol"/>); where the system's libstdc++ lacks it
/// (Debian 12, Ubuntu 22.04) the worker runs on a private runtime the build installs from Debian 13's
/// packages: their loader, glibc and libstdc++, and a copy of the dotnet muxer whose ELF interpreter
/// is that loader (tools/Install-TorchRuntime.ps1). Only the worker runs on it, never the session.
/// </summary>
public sealed class TorchWorkerLauncher : IWorkerLauncher
{
    public const string RequiredSymbol = "GLIBCXX_3.4.32";
    public const string RuntimeVariable = "GENEVA_TORCH_RUNTIME";

    /// <summary>Set it (ACTIVE or PASSIVE) in the session to choose for the workers; unset, they wait passively.</summary>
    public const string OpenMpWaitPolicyVariable = "OMP_WAIT_POLICY";

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
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"The model worker host '{_workerDll}' is missing; rebuild the module (./build.ps1).", _workerDll);
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
    /// How to start a .NET program that loads libtorch: the system's dotnet, or where the system's
    /// libstdc++ is too old, the private runtime's muxer and libraries. Add the program's dll and arguments.
    /// </summary>
    public static ProcessStartInfo HostStartInfo(string runtime)
    {
        var info = new ProcessStartInfo(NeedsPrivateRuntime() ? PrivateMuxer(runtime) : DotNetWorkerLauncher.DotNetHostPath());
        if (NeedsPrivateRuntime())
        {
            info.Environment["LD_LIBRARY_PATH"] = PrivateLibraries(runtime);
            // The copied muxer finds host/ and shared/ beside itself; keep other roots out of its way.
            info.Environment.Remove("DOTNET_ROOT");
        }
        return info;
    }

    /// <summary>Workers with their own GPUs are not interchangeable, so they are not pooled.</summary>
    public string? PoolKey(int instances) => _gpus is null ? ((IWorkerLauncher)new KeyOnly(this)).PoolKey(instances) : null;

    /// <summary>The default key of the same launch (an interface default cannot be called from the overriding class).</summary>
    private sealed class KeyOnly(TorchWorkerLauncher launcher) : IWorkerLauncher
    {
        public ProcessStartInfo StartInfo(int instances) => launcher.StartInfo(instances);
    }

    public static string PrivateLibraries(string runtime) => Path.Combine(runtime, "root", "usr", "lib", "x86_64-linux-gnu");

    private static string PrivateMuxer(string runtime)
    {
        var muxer = Path.Combine(runtime, "host", "dotnet");
        if (File.Exists(muxer) && File.Exists(Path.Combine(PrivateLibraries(runtime), "libstdc++.so.6")))
        {
            return muxer;
        }
        throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
            $"Model UDFs run on libtorch, which needs {RequiredSymbol} (GCC 13's libstdc++). This system's libstdc++ " +
            $"({SystemLibStdCxx() ?? "not found"}) has at most {HighestGlibcxx() ?? "none"}, and the private runtime " +
            $"'{runtime}' is not installed. Fix: run 'dotnet pwsh ./build.ps1 -Task TorchRuntime' in the module's " +
            "source (it downloads Debian 13's libc6, libgcc-s1 and libstdc++6 for the model worker alone), or use a " +
            "system with GCC 13's libstdc++ (Debian 13, Ubuntu 24.04).", runtime);
    }

    /// <summary>Whether this system's libstdc++ is too old for libtorch (Linux only; other systems ship their own).</summary>
    public static bool NeedsPrivateRuntime() =>
        OperatingSystem.IsLinux() && !(SystemLibStdCxx() is { } path && Contains(path, RequiredSymbol));

    public static string? SystemLibStdCxx() => new[]
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    }.FirstOrDefault(File.Exists);

    /// <summary>The newest GLIBCXX_3.4.N version the system's libstdc++ defines, for the error message.</summary>
    public static string? HighestGlibcxx()
    {
        if (SystemLibStdCxx() is not { } path)
        {
            return null;
        }
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        return System.Text.RegularExpressions.Regex.Matches(text, @"GLIBCXX_3\.4\.(\d+)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1).Max() is var n and >= 0 ? $"GLIBCXX_3.4.{n}" : null;
    }

    private static bool Contains(string path, string symbol) =>
        Encoding.Latin1.GetString(File.ReadAllBytes(path)).Contains(symbol, StringComparison.Ordinal);
}
