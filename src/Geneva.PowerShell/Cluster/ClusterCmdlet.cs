using System.Management.Automation;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cluster;

/// <summary>Base of the cluster cmdlets: Ctrl+C cancels their waits, and cluster failures become their error records.</summary>
public abstract class ClusterCmdlet : GenevaCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken Cancel => _stopping.Token;

    protected void GuardCluster(Action action) => Guard(() =>
    {
        try
        {
            action();
        }
        catch (ClusterException e)
        {
            ThrowTerminatingError(e.ToErrorRecord());
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    });

    protected override void StopProcessing() => _stopping.Cancel();
}
