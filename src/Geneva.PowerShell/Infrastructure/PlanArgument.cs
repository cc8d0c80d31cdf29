using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Planning;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Reads a plan piped in live, or brought back by Import-Clixml or ConvertFrom-Json (then it is a
/// property bag): only its table, version and request matter, since a run replans them against
/// the checkpoints saved by then.
/// </summary>
internal static class PlanArgument
{
    public static (string TablePath, long? Version, BackfillRequest Request) Read(PSObject plan)
    {
        if (plan.BaseObject is BackfillPlan live)
        {
            return (live.TablePath, live.TableVersion, live.Request);
        }
        var path = plan.Properties["TablePath"]?.Value?.ToString();
        var version = plan.Properties["TableVersion"]?.Value;
        if (path is null || version is null || plan.Properties["Request"]?.Value is not { } requestValue)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                "The -Plan object is not a Geneva backfill plan (it needs TablePath, TableVersion and Request).", plan);
        }
        var request = BackfillRequestFields.FromProperties(PSObject.AsPSObject(requestValue));
        if (string.IsNullOrEmpty(request.Column))
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, "The -Plan object's Request has no Column.", plan);
        }
        return (path, LanguagePrimitives.ConvertTo<long>(version), request);
    }
}
