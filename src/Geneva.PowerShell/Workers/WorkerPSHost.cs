using System.Globalization;
using System.Management.Automation.Host;

namespace Geneva.PowerShell.Workers;

/// <summary>The host of a scriptblock worker's runspaces: its UI forwards what scriptblocks show (<see cref="WorkerHostUserInterface"/>).</summary>
internal sealed class WorkerPSHost : PSHost
{
    private readonly WorkerHostUserInterface _ui = new();

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "GenevaWorker";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => typeof(WorkerPSHost).Assembly.GetName().Version ?? new Version(1, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException("A worker has no nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("A worker has no nested prompt.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }
}
