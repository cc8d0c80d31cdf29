using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;
using Geneva.PowerShell.Workers;
using Geneva.Torch.Launch;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Installs what model UDFs run on and the Geneva package leaves out: the Geneva.Torch module of the module's
/// version (the model worker, TorchSharp and libtorch), with PSResourceGet's Install-PSResource from a registered
/// repository; and where the system's libstdc++ is older than GCC 13's, the private C/C++ runtime the worker
/// starts on (Debian 13's, downloaded with apt-get). Does what is missing only; the module never downloads on import.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "GenevaTorchRuntime", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GenevaTorchRuntimeInfo))]
public sealed class InstallGenevaTorchRuntimeCommand : PSCmdlet
{
    private const string Activity = "Installing the model-UDF runtime";
    private const int ProgressId = 1;

    /// <summary>Repositories to install Geneva.Torch from (Install-PSResource -Repository); default: every registered one.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(RepositoryNameCompleter))]
    public string[]? Repository { get; set; }

    /// <summary>Install-PSResource -Scope.</summary>
    [Parameter]
    [ValidateSet("CurrentUser", "AllUsers")]
    public string Scope { get; set; } = "CurrentUser";

    /// <summary>Install from a repository that is not registered as trusted without asking (Install-PSResource -TrustRepository).</summary>
    [Parameter]
    public SwitchParameter TrustRepository { get; set; }

    /// <summary>Install again what is already installed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var version = TorchWorkerLocation.ModuleVersion.ToString(3);
        var worker = TorchWorkerLocation.Find();
        bool fromBuild = worker == TorchWorkerLocation.BesideModule;
        if (worker is null || (Force && !fromBuild))
        {
            var from = Repository is { Length: > 0 } ? string.Join(", ", Repository) : "the registered repositories";
            if (!ShouldProcess($"{TorchWorkerLocation.PackageName} {version}", $"Install from {from} (the model worker, TorchSharp and libtorch, about 500 MB)"))
            {
                return;
            }
            WriteProgress(new ProgressRecord(ProgressId, Activity, $"Installing {TorchWorkerLocation.PackageName} {version} from {from}") { PercentComplete = 10 });
            InstallPackage(version, from);
            worker = TorchWorkerLocation.Find() ?? throw Terminate("TorchPackageNotFound", ErrorCategory.ObjectNotFound,
                $"{TorchWorkerLocation.PackageName} {version} was installed (scope {Scope}) but is not on PSModulePath, where the module looks for it.");
        }
        else
        {
            // A build from source has it beside the module; -Force leaves that alone.
            WriteVerbose($"The model worker is installed: {worker}");
        }

        if (TorchWorkerLocation.PackagePlatform(worker) is { } platform
            && !string.Equals(platform, RuntimeInformation.RuntimeIdentifier, StringComparison.OrdinalIgnoreCase))
        {
            throw Terminate("TorchPackagePlatformMismatch", ErrorCategory.InvalidData,
                $"The {TorchWorkerLocation.PackageName} module at '{Path.GetDirectoryName(Path.GetDirectoryName(worker))}' holds libtorch for " +
                $"{platform}, and this system is {RuntimeInformation.RuntimeIdentifier}. Build the packages on this platform " +
                $"('build.ps1 -Task Package'), then Uninstall-PSResource {TorchWorkerLocation.PackageName} and run Install-GenevaTorchRuntime again.");
        }

        string? runtime = null;
        if (LinuxTorchRuntime.NeedsPrivateRuntime())
        {
            runtime = Environment.GetEnvironmentVariable(TorchWorkerLauncher.RuntimeVariable)
                ?? Path.Combine(Path.GetDirectoryName(worker)!, "torch-runtime");
            if (LinuxTorchRuntime.IsInstalled(runtime) && !Force)
            {
                WriteVerbose($"The private runtime is installed: {runtime}");
            }
            else if (ShouldProcess(runtime, $"Install the private C/C++ runtime for the model worker (Debian 13's libc6, libgcc-s1 and libstdc++6 from deb.debian.org; this system's libstdc++ lacks {LinuxTorchRuntime.RequiredSymbol})"))
            {
                WriteProgress(new ProgressRecord(ProgressId, Activity, $"Downloading the private C/C++ runtime into {runtime}") { PercentComplete = 60 });
                InstallPrivateRuntime(worker, runtime);
            }
            else
            {
                CompleteProgress();
                return;
            }
        }
        CompleteProgress();
        if (PassThru)
        {
            WriteObject(new GenevaTorchRuntimeInfo(version, worker, runtime));
        }
    }

    private void InstallPackage(string version, string from)
    {
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Install-PSResource")
            .AddParameter("Name", TorchWorkerLocation.PackageName)
            .AddParameter("Version", version)
            .AddParameter("Scope", Scope)
            .AddParameter("Confirm", false)
            // Its errors come back to this cmdlet, which says what to do about them; -ErrorAction Stop on this
            // cmdlet would otherwise turn the first into an exception naming Install-PSResource alone.
            .AddParameter("ErrorAction", ActionPreference.Continue);
        if (Repository is { Length: > 0 })
        {
            ps.AddParameter("Repository", Repository);
        }
        if (TrustRepository)
        {
            ps.AddParameter("TrustRepository");
        }
        if (Force)
        {
            ps.AddParameter("Reinstall");
        }
        var errors = Run(ps);
        if (errors.Count > 0 || TorchWorkerLocation.Find() is null)
        {
            var why = errors.Count > 0 ? string.Join(" ", errors.Select(e => e.Exception.Message)) : "Install-PSResource reported nothing.";
            throw Terminate("TorchPackageNotFound", ErrorCategory.ObjectNotFound,
                $"{TorchWorkerLocation.PackageName} {version} could not be installed from {from}: {why} " +
                $"It is built beside the Geneva package ({TorchWorkerLocation.PackageName}.{version}.nupkg, by 'build.ps1 -Task Package'); " +
                "offline, register the folder that holds it (Register-PSResourceRepository -Name local -Uri <folder> -Trusted) " +
                "and run Install-GenevaTorchRuntime -Repository local.", errors.FirstOrDefault()?.Exception);
        }
    }

    private void InstallPrivateRuntime(string worker, string runtime)
    {
        var script = Path.Combine(Path.GetDirectoryName(worker)!, "Install-TorchRuntime.ps1");
        if (!File.Exists(script))
        {
            throw Terminate("TorchRuntimeInstallFailed", ErrorCategory.ObjectNotFound,
                $"'{script}' is missing: the model worker at '{worker}' is incomplete. Run Install-GenevaTorchRuntime -Force.");
        }
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand(script).AddParameter("Destination", runtime);
        if (Force)
        {
            ps.AddParameter("Force");
        }
        var errors = Run(ps);
        if (errors.Count > 0 || !LinuxTorchRuntime.IsInstalled(runtime))
        {
            var why = errors.Count > 0 ? string.Join(" ", errors.Select(e => e.Exception.Message)) : "the runtime is incomplete.";
            throw Terminate("TorchRuntimeInstallFailed", ErrorCategory.ResourceUnavailable,
                $"The private C/C++ runtime for the model worker could not be installed into '{runtime}': {why} " +
                "It is downloaded from deb.debian.org with apt-get (Debian, Ubuntu). Offline, copy an installed one from " +
                $"another machine and set ${TorchWorkerLauncher.RuntimeVariable} to it, or use a system with GCC 13's libstdc++ " +
                "(Debian 13, Ubuntu 24.04), which needs none.", errors.FirstOrDefault()?.Exception);
        }
    }

    // Runs a nested command on this pipeline's thread, passing its messages and progress on as they come.
    private Collection<ErrorRecord> Run(System.Management.Automation.PowerShell ps)
    {
        ps.Streams.Information.DataAdded += (_, e) => WriteInformation(ps.Streams.Information[e.Index]);
        ps.Streams.Verbose.DataAdded += (_, e) => WriteVerbose(ps.Streams.Verbose[e.Index].Message);
        ps.Streams.Warning.DataAdded += (_, e) => WriteWarning(ps.Streams.Warning[e.Index].Message);
        ps.Streams.Progress.DataAdded += (_, e) =>
        {
            var record = ps.Streams.Progress[e.Index];
            // Install-PSResource's bar goes under ours.
            if (record.ParentActivityId < 0 && record.ActivityId != ProgressId)
            {
                record.ParentActivityId = ProgressId;
            }
            WriteProgress(record);
        };
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            // A terminating error (the script's throw, an unknown -Repository name) says what failed; the
            // messages before it (apt-get's, say) are details.
            foreach (var detail in ps.Streams.Error.ReadAll())
            {
                WriteVerbose(detail.ToString());
            }
            return [e.ErrorRecord];
        }
        return ps.Streams.Error.ReadAll();
    }

    private void CompleteProgress() =>
        WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });

    private Exception Terminate(string errorId, ErrorCategory category, string message, Exception? inner = null)
    {
        ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message, inner), errorId, category, TorchWorkerLocation.PackageName));
        return new InvalidOperationException(message); // not reached: ThrowTerminatingError throws
    }
}
