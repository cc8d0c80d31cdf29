using System.Management.Automation;
using Geneva.Core;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Base for Geneva cmdlets: runs the cmdlet's work and maps engine exceptions to terminating
/// error records once, so no cmdlet shows a raw stack trace.
/// </summary>
public abstract class GenevaCmdlet : PSCmdlet
{
    protected void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (GenevaException e)
        {
            ThrowTerminatingError(GenevaErrors.ToErrorRecord(e));
        }
    }

    protected void WriteGenevaError(GenevaException e) => WriteError(GenevaErrors.ToErrorRecord(e));

    protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
