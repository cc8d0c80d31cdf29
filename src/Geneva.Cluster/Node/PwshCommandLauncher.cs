using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Geneva.Core.Execution.Workers;

namespace Geneva.Cluster.Node;

/// <summary>
/// Starts a pwsh worker for scriptblock UDFs the way the session does (Import-Module the module's
/// Geneva.PowerShell.dll, run PwshWorker), from a pwsh named on the node's command line: the node
/// never loads PowerShell itself.
/// </summary>
public sealed class PwshCommandLauncher(string pwsh, string? pwshDll, string workerBin) : IWorkerLauncher
{
    public ProcessStartInfo StartInfo(int instances)
    {
        var info = new ProcessStartInfo(pwsh);
        if (pwshDll is not null)
        {
            info.ArgumentList.Add(pwshDll);
        }
        var module = PickReadyToRun(workerBin, "Geneva.PowerShell.dll").Replace("'", "''");
        info.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        info.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        foreach (var arg in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
                     $"Import-Module '{module}'; exit [Geneva.PowerShell.Workers.PwshWorker]::Run({instances.ToString(CultureInfo.InvariantCulture)})" })
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>This platform's ReadyToRun build of a module file when there is one (as the session picks it).</summary>
    public static string PickReadyToRun(string bin, string file)
    {
        var platform = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
                       RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var native = Path.Combine(bin, platform, file);
        return File.Exists(native) ? native : Path.Combine(bin, file);
    }
}
