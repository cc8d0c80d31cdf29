using System.Runtime.InteropServices;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// The module's ReadyToRun build for this platform, <c>bin/&lt;os&gt;-&lt;arch&gt;/</c>, made by build.ps1 beside the
/// portable assemblies in <c>bin/</c>. Its images start without JIT; an image for another platform does not load
/// at all (BadImageFormatException), which is why it is a folder of its own, taken only where it matches.
/// <see cref="ReadyToRunLoader"/> loads the session's libraries from the same folder.
/// </summary>
internal static class ReadyToRunFolder
{
    public static string PlatformName =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary><paramref name="file"/> in this platform's ReadyToRun folder beside <paramref name="bin"/> if it is there, else in <paramref name="bin"/>.</summary>
    public static string Pick(string bin, string file)
    {
        var native = Path.Combine(bin, PlatformName, file);
        return File.Exists(native) ? native : Path.Combine(bin, file);
    }
}
