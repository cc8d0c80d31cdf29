using Geneva.Core;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// Where the model worker (Geneva.Torch.Worker, TorchSharp, libtorch: about 500 MB) is. It is not part of the
/// Geneva package: a build from source has it beside the module (bin/torch), an installed module has it in
/// the Geneva.Torch module of the same version, installed by Install-GenevaTorchRuntime.
/// </summary>
internal static class TorchWorkerLocation
{
    public const string PackageName = "Geneva.Torch";
    public const string WorkerFileName = "Geneva.Torch.Worker.dll";

    /// <summary>The module's bin folder (Geneva.PowerShell.dll's).</summary>
    public static string ModuleBin => Path.GetDirectoryName(typeof(TorchWorkerLocation).Assembly.Location)!;

    /// <summary>The module's version: Directory.Build.props gives every assembly ModuleVersion of Geneva.psd1.</summary>
    public static Version ModuleVersion => Normalize(typeof(TorchWorkerLocation).Assembly.GetName().Version!);

    /// <summary>The worker a build from source puts beside the module.</summary>
    public static string BesideModule => Path.Combine(ModuleBin, "torch", WorkerFileName);

    /// <summary>The worker beside the module, else the one in a Geneva.Torch module of this version on PSModulePath; null when neither exists.</summary>
    public static string? Find()
    {
        if (File.Exists(BesideModule))
        {
            return BesideModule;
        }
        var modulePath = Environment.GetEnvironmentVariable("PSModulePath") ?? "";
        foreach (var root in modulePath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var package = Path.Combine(root, PackageName);
            if (!Directory.Exists(package))
            {
                continue;
            }
            foreach (var versionFolder in Directory.EnumerateDirectories(package))
            {
                if (Version.TryParse(Path.GetFileName(versionFolder), out var version) && Normalize(version) == ModuleVersion
                    && Path.Combine(versionFolder, "bin", WorkerFileName) is var worker && File.Exists(worker))
                {
                    return worker;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The platform a Geneva.Torch module's libtorch is for (its manifest's PrivateData.RuntimeIdentifier, which
    /// build.ps1 -Task Package writes); null for a worker beside the module or a manifest without it.
    /// </summary>
    public static string? PackagePlatform(string worker)
    {
        var manifest = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(worker)!)!, PackageName + ".psd1");
        if (worker == BesideModule || !File.Exists(manifest))
        {
            return null;
        }
        var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(manifest), @"RuntimeIdentifier\s*=\s*'([^']+)'");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The worker, or the error that says it is not installed and where it was looked for.</summary>
    public static string Require() => Find() ?? throw new GenevaException(GenevaErrorCode.TorchRuntimeMissing,
        $"Model UDFs run in the model worker (the {PackageName} {ModuleVersion} module: TorchSharp and libtorch), which is " +
        $"not installed: it is neither beside the module ('{BesideModule}') nor in a {PackageName} {ModuleVersion} module on PSModulePath.",
        PackageName);

    // 0.1.0 and 0.1.0.0 are one version.
    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
