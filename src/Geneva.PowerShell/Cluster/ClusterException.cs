using System.Management.Automation;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// A cluster cmdlet's failure with its stable error id (ClusterNotFound, ClusterStartFailed, ...): cluster errors arise
/// here, starting Geneva.Cluster.Host processes, not in the engine, so they map to error records here.
/// </summary>
internal sealed class ClusterException(string errorId, ErrorCategory category, string message, object? target,
    Exception? inner = null) : Exception(message, inner)
{
    public string ErrorId { get; } = errorId;

    public ErrorRecord ToErrorRecord() => new(this, ErrorId, category, target);

    public static ClusterException NotFound(string address, string detail) => new("ClusterNotFound", ErrorCategory.ObjectNotFound,
        $"No Geneva cluster answered at '{ClusterHost.Display(address)}'. {detail}".TrimEnd(), ClusterHost.Display(address));
}
