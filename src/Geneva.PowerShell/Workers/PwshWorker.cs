using System.Management.Automation.Runspaces;
using Geneva.Core.Execution.Workers;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// Entry point of a pwsh-hosted worker process (started by <see cref="PwshWorkerLauncher"/>) for
/// scriptblock UDFs: each UDF instance thread gets its own runspace, so instances run in parallel
/// and a scriptblock's variables never leak between them. What a scriptblock writes to the console
/// ([Console]::Write) or shows (Write-Host, warnings) reaches the job as worker output, never the
/// protocol stream.
/// </summary>
public static class PwshWorker
{
    public static int Run(int instances)
    {
        StartupTrace.Mark("worker:main");
        return WorkerHost.ForConsole(instances, () =>
        {
            var runspace = RunspaceFactory.CreateRunspace(new WorkerPSHost(), InitialSessionState.CreateDefault2());
            runspace.Open();
            Runspace.DefaultRunspace = runspace;
        }).Run();
    }
}
