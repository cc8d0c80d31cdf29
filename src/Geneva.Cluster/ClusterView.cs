using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Geneva.Cluster;

/// <summary>
/// The worker nodes a silo can call now: active in the membership and present in its view of the
/// cluster manifest (right after a silo joins, the manifest may not list a node yet, and a call to a grain
/// only that node hosts would fail as having no implementation).
/// </summary>
public static class ClusterView
{
    public static IReadOnlyList<(ClusterMember Member, SiloRole Role)> Nodes(ClusterMembershipSnapshot membership, ClusterManifest manifest) =>
        membership.Members.Values
            .Where(m => m.Status == SiloStatus.Active && manifest.Silos.ContainsKey(m.SiloAddress))
            .Select(m => (Member: m, Role: SiloRole.Parse(m.Name)))
            .Where(p => p.Role is { IsNode: true })
            .Select(p => (p.Member, p.Role!))
            .ToList();

    /// <summary>Waits (bounded) until every active node of the membership is in the manifest too.</summary>
    public static async Task WaitForManifest(IServiceProvider silo, TimeSpan timeout)
    {
        var membership = silo.GetRequiredService<IClusterMembershipService>();
        var manifest = silo.GetRequiredService<IClusterManifestProvider>();
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var active = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active && SiloRole.Parse(m.Name) is { IsNode: true });
            if (Nodes(membership.CurrentSnapshot, manifest.Current).Count >= active)
            {
                return;
            }
            await Task.Delay(50);
        }
    }
}
