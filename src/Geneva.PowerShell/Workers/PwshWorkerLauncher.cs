using System.Diagnostics;
using System.Management.Automation;
using Geneva.Core.Execution.Workers;

namespace Geneva.PowerShell.Workers;

/// <summary>Starts the same pwsh this session runs on as a worker (`dotnet pwsh.dll` when pwsh is a dotnet tool).</summary>
internal sealed class PwshWorkerLauncher : IWorkerLauncher
{
    public ProcessStartInfo StartInfo(int instances)
    {
        var process = Environment.ProcessPath ?? "pwsh";
        var psHome = Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!;
        var info = new ProcessStartInfo(process);
        var name = Path.GetFileNameWithoutExtension(process);
        if (name == "dotnet")
        {
            info.ArgumentList.Add(Path.Combine(psHome, "pwsh.dll"));
        }
        else if (name != "pwsh")
        {
            info.FileName = Path.Combine(psHome, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh"); // a host embedding PowerShell
        }
        // This platform's ReadyToRun build when there is one: the worker loads nothing else, so all of it starts without JIT.
        var location = typeof(PwshWorker).Assembly.Location;
        var module = ReadyToRunFolder.Pick(Path.GetDirectoryName(location)!, Path.GetFileName(location)).Replace("'", "''");
        // A worker is no user session: no start-up telemetry or update check to spend its start on.
        info.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        info.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        foreach (var arg in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
                     $"Import-Module '{module}'; exit [Geneva.PowerShell.Workers.PwshWorker]::Run({instances})" })
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }
}
