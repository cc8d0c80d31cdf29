using System.Net;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Geneva.Cluster.Membership;

/// <summary>
/// Where the cluster's membership lives, in one place: development clustering (the seed silo keeps the
/// table; every other silo names the seed's silo endpoint), and the fast failure detection a
/// backfill needs (a SIGKILLed node is declared dead in under a second; a stopped one in seconds).
/// </summary>
public static class ClusterMembership
{
    public const string ClusterId = "geneva";
    public const string ServiceId = "geneva";

    /// <summary>Joins (or, with <paramref name="seed"/> equal to <paramref name="self"/>, starts) the cluster whose seed listens there.</summary>
    public static ISiloBuilder UseSeed(this ISiloBuilder silo, IPEndPoint seed, IPEndPoint self, int gatewayPort)
    {
        silo.UseGenevaCluster(self, gatewayPort);
        silo.UseDevelopmentClustering(seed);
        return silo;
    }

    /// <summary>What every membership provider shares: the cluster's ids, this silo's endpoints (gateway 0: none), fast failure detection.</summary>
    public static ISiloBuilder UseGenevaCluster(this ISiloBuilder silo, IPEndPoint self, int gatewayPort)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ServiceId;
        });
        silo.ConfigureEndpoints(self.Address, self.Port, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(self.Address));
        return silo.UseFastFailureDetection();
    }

    /// <summary>Probe every second, two misses make a suspicion, read the table every second.</summary>
    public static ISiloBuilder UseFastFailureDetection(this ISiloBuilder silo) => silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
    });
}
