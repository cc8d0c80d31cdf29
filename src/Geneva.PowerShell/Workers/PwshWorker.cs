using System.Management.Automation.Runspaces;
using Geneva.Core.Execution.Workers;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// Entry point of a pwsh-hosted worker process (started by <see cref="PwshWorkerLauncher"/>) for
/// scriptblock UDFs: each UDF instance thread gets its own runspace, so instances run in parallel
/// and a scriptblock's variables never leak between them.
/// </summary>
public static class PwshWorker
{
    public static int Run(int instances) =>
        new WorkerHost(Console.In, Console.Out, instances, () =>
        {
            var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            Runspace.DefaultRunspace = runspace;
        }).Run();
}
