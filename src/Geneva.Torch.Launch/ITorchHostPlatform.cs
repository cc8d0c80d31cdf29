using System.Diagnostics;

namespace Geneva.Torch.Launch;

/// <summary>The seam for what differs by OS when starting a .NET process that loads libtorch.</summary>
internal interface ITorchHostPlatform
{
    /// <summary>A start description for the dotnet host that can load libtorch here; the caller adds the program and its arguments.</summary>
    /// <param name="runtime">The private runtime folder, where the platform uses one.</param>
    ProcessStartInfo HostStartInfo(string runtime);
}
