using System.IO;
using System.Management.Automation;
using Geneva.Core.Planning;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Lets every -Table parameter take a table object, a plan, a path string, or a deserialized
/// object with a Path property, and turns it into a full file-system path resolved against
/// the session's current location (not the process's).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TableArgumentAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var path = PathOf(inputData) ?? throw new ArgumentTransformationMetadataException(
            $"Cannot use a {(inputData is PSObject ps ? ps.BaseObject : inputData)?.GetType().Name ?? "null"} as a table: give a table path or a Geneva table object.");
        return engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }

    /// <summary>The table path an argument names, as given (not resolved), or null when it names none.</summary>
    internal static string? PathOf(object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        string? path = value switch
        {
            string s => s,
            GenevaTableInfo t => t.Path,
            BackfillPlan p => p.TablePath,
            DirectoryInfo d => d.FullName,
            PathInfo p => p.ProviderPath,
            _ => null,
        };
        if (path is null && inputData is not null)
        {
            // Job records, row errors of a job, deserialized table objects: anything naming its table.
            var obj = PSObject.AsPSObject(inputData);
            path = (obj.Properties["TablePath"]?.Value ?? obj.Properties["Path"]?.Value)?.ToString();
        }
        return path;
    }
}
