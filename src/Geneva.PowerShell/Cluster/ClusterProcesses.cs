using System.Collections.Concurrent;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// The node processes this session started, by their cluster's address, so Stop-GenevaCluster can kill those that
/// remain whether it is given the cluster object or its address. Holding them also holds their stdin open.
/// </summary>
internal static class ClusterProcesses
{
    private static readonly ConcurrentDictionary<string, List<ClusterNodeProcess>> s_started = new(StringComparer.OrdinalIgnoreCase);

    public static void Add(string address, IEnumerable<ClusterNodeProcess> nodes) =>
        s_started.AddOrUpdate(address, _ => nodes.ToList(), (_, list) => [.. list, .. nodes]);

    /// <summary>Removes and returns the processes started for <paramref name="address"/>; empty when none.</summary>
    public static IReadOnlyList<ClusterNodeProcess> Take(string address) =>
        s_started.TryRemove(address, out var nodes) ? nodes : [];

    public static bool Has(string address) => s_started.ContainsKey(address);
}
