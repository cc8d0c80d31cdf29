using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Geneva.Core;

namespace Geneva.Torch.Launch;

/// <summary>
/// libtorch as TorchSharp-cpu 0.107.0 ships it needs GCC 13's libstdc++ (symbol <see cref="RequiredSymbol"/>).
/// Where the system's libstdc++ lacks it (Debian 12, Ubuntu 22.04) the worker runs on a private runtime
/// installed from Debian 13's packages (Install-TorchRuntime.ps1, beside the worker): their loader, glibc and libstdc++, and a copy of the
/// dotnet muxer whose ELF interpreter is that loader (tools/Install-TorchRuntime.ps1).
/// </summary>
public static class LinuxTorchRuntime
{
    public const string RequiredSymbol = "GLIBCXX_3.4.32";

    /// <summary>Debian's multiarch folder name for this machine (x86_64-linux-gnu, aarch64-linux-gnu).</summary>
    public static string MultiarchTriplet => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "aarch64-linux-gnu",
        Architecture.X86 => "i386-linux-gnu",
        _ => "x86_64-linux-gnu",
    };

    /// <summary>Whether this system's libstdc++ is too old for libtorch (Linux only; other systems ship their own).</summary>
    public static bool NeedsPrivateRuntime() =>
        OperatingSystem.IsLinux() && !(SystemLibStdCxx() is { } path && Contains(path, RequiredSymbol));

    public static string PrivateLibraries(string runtime) => Path.Combine(runtime, "root", "usr", "lib", MultiarchTriplet);

    /// <summary>Whether the private runtime in <paramref name="runtime"/> is complete (its muxer and libstdc++ are there).</summary>
    public static bool IsInstalled(string runtime) =>
        File.Exists(Path.Combine(runtime, "host", "dotnet")) && File.Exists(Path.Combine(PrivateLibraries(runtime), "libstdc++.so.6"));

    /// <summary>The private runtime's dotnet muxer; a clear error naming the missing symbol when it is not installed.</summary>
    public static string PrivateMuxer(string runtime)
    {
        if (IsInstalled(runtime))
        {
            return Path.Combine(runtime, "host", "dotnet");
        }
        throw new GenevaException(GenevaErrorCode.TorchRuntimeMissing,
            $"Model UDFs run on libtorch, which needs {RequiredSymbol} (GCC 13's libstdc++). This system's libstdc++ " +
            $"({SystemLibStdCxx() ?? "not found"}) has at most {HighestGlibcxx() ?? "none"}, and the private runtime " +
            $"'{runtime}' (Debian 13's libc6, libgcc-s1 and libstdc++6, for the model worker alone) is not installed. " +
            "A system with GCC 13's libstdc++ (Debian 13, Ubuntu 24.04) needs none.", runtime);
    }

    public static string? SystemLibStdCxx() => new[]
    {
        $"/usr/lib/{MultiarchTriplet}/libstdc++.so.6", $"/lib/{MultiarchTriplet}/libstdc++.so.6",
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
        return Regex.Matches(text, @"GLIBCXX_3\.4\.(\d+)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1).Max() is var n and >= 0 ? $"GLIBCXX_3.4.{n}" : null;
    }

    private static bool Contains(string path, string symbol) =>
        Encoding.Latin1.GetString(File.ReadAllBytes(path)).Contains(symbol, StringComparison.Ordinal);
}
