using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Starts Geneva.Worker (framework-dependent) with the same dotnet host this process runs on,
/// so a machine with only the SDK, or pwsh as a dotnet tool, needs nothing else on PATH.
/// </summary>
public sealed class DotNetWorkerLauncher(string workerDll) : IWorkerLauncher
{
    public static string DefaultWorkerDll =>
        Path.Combine(AppContext.BaseDirectory, "Geneva.Worker.dll") is var beside && File.Exists(beside)
            ? beside
            : Path.Combine(Path.GetDirectoryName(typeof(DotNetWorkerLauncher).Assembly.Location)!, "Geneva.Worker.dll");

    public ProcessStartInfo StartInfo(int instances)
    {
        if (!File.Exists(workerDll))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"The worker host '{workerDll}' is missing; rebuild the module.", workerDll);
        }
        var info = new ProcessStartInfo(DotNetHostPath());
        info.ArgumentList.Add(workerDll);
        info.ArgumentList.Add("--instances");
        info.ArgumentList.Add(instances.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return info;
    }

    /// <summary>The dotnet executable: this process if it is one, else DOTNET_HOST_PATH, DOTNET_ROOT, PATH, usual places.</summary>
    public static string DotNetHostPath()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var candidates = new List<string?>
        {
            Path.GetFileName(Environment.ProcessPath) == exe ? Environment.ProcessPath : null,
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root ? Path.Combine(root, exe) : null,
            // The runtime this process runs on lives at <root>/shared/Microsoft.NETCore.App/<version>/.
            Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe)),
        };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, exe)));
        candidates.AddRange(["/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/local/share/dotnet/dotnet"]);
        return candidates.FirstOrDefault(c => c is not null && File.Exists(c))
            ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                "No dotnet host was found to start worker processes; set DOTNET_ROOT.", exe);
    }
}
