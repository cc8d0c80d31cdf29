namespace Geneva.PowerShell.Output;

/// <summary>Where model UDFs' worker and, where this system needs one, its private C/C++ runtime are installed.</summary>
public sealed class GenevaTorchRuntimeInfo
{
    internal GenevaTorchRuntimeInfo(string version, string workerPath, string? runtimePath)
    {
        Version = version;
        WorkerPath = workerPath;
        RuntimePath = runtimePath;
    }

    /// <summary>The Geneva.Torch version, always the module's own.</summary>
    public string Version { get; }

    /// <summary>Geneva.Torch.Worker.dll: in the Geneva.Torch module, or beside a module built from source.</summary>
    public string WorkerPath { get; }

    /// <summary>The private runtime the worker starts on; null where the system's libstdc++ serves libtorch.</summary>
    public string? RuntimePath { get; }

    public bool PrivateRuntime => RuntimePath is not null;
}
