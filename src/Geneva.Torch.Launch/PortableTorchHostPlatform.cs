using System.Diagnostics;
using Geneva.Core.Execution.Workers;

namespace Geneva.Torch.Launch;

/// <summary>Windows and macOS: libtorch's packages carry the C++ runtime they need, so the system's dotnet runs the worker.</summary>
internal sealed class PortableTorchHostPlatform : ITorchHostPlatform
{
    public ProcessStartInfo HostStartInfo(string runtime) => new(DotNetWorkerLauncher.DotNetHostPath());
}
