using System.Diagnostics;
using System.Management.Automation;
using Geneva.Core.Execution.Workers;

namespace Geneva.PowerShell.Workers;

/// <summary>Starts the same pwsh this session runs on as a worker (`dotnet pwsh.dll` when pwsh is a dotnet tool).</summary>
internal sealed class PwshWorkerLauncher : IWorkerLauncher
{
    public ProcessStartInfo StartInfo(int instances)
    {
        var (fileName, dll) = PwshExecutable();
        var info = new ProcessStartInfo(fileName);
        if (dll is not null)
        {
            info.ArgumentList.Add(dll);
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

    /// <summary>The pwsh to start, and pwsh.dll when that is the dotnet host (a cluster node starts its workers the same way).</summary>
    internal static (string FileName, string? Dll) PwshExecutable()
    {
        var process = Environment.ProcessPath ?? "pwsh";
        var psHome = Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!;
        var name = Path.GetFileNameWithoutExtension(process);
        return name switch
        {
            "dotnet" => (process, Path.Combine(psHome, "pwsh.dll")),
            "pwsh" => (process, null),
            _ => (Path.Combine(psHome, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh"), null), // a host embedding PowerShell
        };
    }
}
