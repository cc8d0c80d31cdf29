using System.Diagnostics;
using Geneva.Core.Execution.Workers;

namespace Geneva.Torch.Launch;

/// <summary>
/// Linux: the system's dotnet when its libstdc++ is new enough for libtorch, else the private
/// runtime's muxer with its libraries first on the library path (<see cref="LinuxTorchRuntime"/>).
/// </summary>
internal sealed class LinuxTorchHostPlatform : ITorchHostPlatform
{
    public ProcessStartInfo HostStartInfo(string runtime)
    {
        if (!LinuxTorchRuntime.NeedsPrivateRuntime())
        {
            return new ProcessStartInfo(DotNetWorkerLauncher.DotNetHostPath());
        }
        var info = new ProcessStartInfo(LinuxTorchRuntime.PrivateMuxer(runtime));
        info.Environment["LD_LIBRARY_PATH"] = LinuxTorchRuntime.PrivateLibraries(runtime);
        // The copied muxer finds host/ and shared/ beside itself; keep other roots out of its way.
        info.Environment.Remove("DOTNET_ROOT");
        return info;
    }
}
