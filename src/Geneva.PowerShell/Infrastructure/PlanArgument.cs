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
        object? Get(PSObject o, string name) => o.Properties[name]?.Value is { } v ? (v is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : v) : null;
        int? Int(PSObject o, string name) => Get(o, name) is { } v ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        var path = Get(plan, "TablePath")?.ToString();
        var version = Get(plan, "TableVersion");
        if (path is null || version is null || Get(plan, "Request") is not { } requestValue)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                "The -Plan object is not a Geneva backfill plan (it needs TablePath, TableVersion and Request).", plan);
        }
        var request = PSObject.AsPSObject(requestValue);
        return (path, Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture), new BackfillRequest
        {
            Column = Get(request, "Column")?.ToString() ?? throw new GenevaException(GenevaErrorCode.InvalidArgument,
                "The -Plan object's Request has no Column.", plan),
            Where = Get(request, "Where")?.ToString(),
            NumFrags = Int(request, "NumFrags"),
            CheckpointSize = Int(request, "CheckpointSize"),
            MinCheckpointSize = Int(request, "MinCheckpointSize"),
            MaxCheckpointSize = Int(request, "MaxCheckpointSize"),
            CommitGranularity = Int(request, "CommitGranularity"),
            Concurrency = Int(request, "Concurrency"),
            IntraApplierConcurrency = Int(request, "IntraApplierConcurrency"),
        });
    }
}
