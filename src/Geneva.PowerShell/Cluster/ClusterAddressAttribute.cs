using System.Management.Automation;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// Lets -Cluster and -Join take a cluster object (Start-GenevaCluster's, or one read back from a job or a file) or a
/// "host:port" string, and turns it into the seed's "host:port"; a deployed cluster is named by the connection string of
/// its PostgreSQL membership database instead.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ClusterAddressAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        var address = value switch
        {
            string s => s.Trim(),
            GenevaCluster c => c.Address,
            null => null,
            // Deserialized clusters (Receive-Job, Import-Clixml) keep their Address.
            _ => PSObject.AsPSObject(inputData).Properties["Address"]?.Value?.ToString(),
        };
        if (address is null || !IsHostPort(address) && !ClusterHost.IsDatabase(address))
        {
            throw new ArgumentTransformationMetadataException(
                $"Cannot use '{address ?? value?.GetType().Name ?? "null"}' as a cluster: give the object Start-GenevaCluster returned the seed's address as host:port (for example 127.0.0.1:11111), or the PostgreSQL connection string of a deployed cluster's membership.");
        }
        return address;
    }

    /// <summary>host:port with a port from 1 to 65535 (an IPv6 host in brackets).</summary>
    internal static bool IsHostPort(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
    }
}
