using System.Globalization;
using YamlDotNet.Serialization;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// Kubernetes objects for a pool of Geneva worker nodes that find each other (and the coordinator) through
/// Orleans' PostgreSQL membership: a Deployment of <c>node --postgres</c> pods and a PodDisruptionBudget.
/// Written with YamlDotNet, so every string that YAML would read as something else (the "4" of "--slots 4") is quoted.
/// </summary>
internal sealed class ClusterManifest
{
    /// <summary>The env variable the pods read the connection string into, from the Secret; args name it as $(...).</summary>
    public const string ConnectionVariable = ClusterHost.PostgresVariable;

    public required string Name { get; init; }
    public required string Image { get; init; }
    public string? Namespace { get; init; }
    public int Replicas { get; init; } = 3;
    public int Slots { get; init; } = 1;
    public int NumGpus { get; init; }
    public required string PostgresSecret { get; init; }
    public string PostgresSecretKey { get; init; } = "connectionString";
    /// <summary>The Geneva module's folder inside the image (its bin/ holds the workers, bin/cluster the host).</summary>
    public required string ModulePath { get; init; }
    public string? TableClaim { get; init; }
    public string TablePath { get; init; } = "/data";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public string? Cpu { get; init; }
    public string? Memory { get; init; }

    /// <summary>The YAML: the Deployment, then the PodDisruptionBudget, as two documents.</summary>
    public string ToYaml()
    {
        var serializer = new SerializerBuilder()
            .WithQuotingNecessaryStrings()
            .DisableAliases()
            .Build();
        return string.Join("---\n", Objects().Select(serializer.Serialize));
    }

    private IEnumerable<Map> Objects()
    {
        yield return Deployment();
        yield return DisruptionBudget();
    }

    private Map Labels() => new()
    {
        ["app.kubernetes.io/name"] = "geneva-worker",
        ["app.kubernetes.io/instance"] = Name,
        ["app.kubernetes.io/component"] = "worker",
    };

    private Map Metadata()
    {
        var metadata = new Map { ["name"] = Name };
        if (!string.IsNullOrEmpty(Namespace))
        {
            metadata["namespace"] = Namespace;
        }
        metadata["labels"] = Labels();
        return metadata;
    }

    private Map Deployment() => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = Metadata(),
        ["spec"] = new Map
        {
            ["replicas"] = Replicas,
            ["selector"] = new Map { ["matchLabels"] = Labels() },
            // A surge pod would wait for GPUs the old pod holds; replace one at a time instead.
            ["strategy"] = new Map
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new Map { ["maxSurge"] = 0, ["maxUnavailable"] = 1 },
            },
            ["template"] = new Map
            {
                ["metadata"] = new Map { ["labels"] = Labels() },
                ["spec"] = PodSpec(),
            },
        },
    };

    private Map PodSpec()
    {
        var spec = new Map
        {
            // SIGTERM makes a node leave the cluster cleanly; its running tasks go back to the coordinator.
            ["terminationGracePeriodSeconds"] = 60,
            ["containers"] = new List<object> { Container() },
            ["volumes"] = Volumes(),
        };
        if (NumGpus > 0)
        {
            spec["tolerations"] = new List<object>
            {
                new Map { ["key"] = "nvidia.com/gpu", ["operator"] = "Exists", ["effect"] = "NoSchedule" },
            };
        }
        return spec;
    }

    private Map Container()
    {
        var container = new Map
        {
            ["name"] = "node",
            ["image"] = Image,
            ["command"] = new List<object> { "dotnet", $"{ModulePath}/bin/cluster/Geneva.Cluster.Host.dll" },
            ["args"] = Arguments(),
            ["env"] = new List<object>
            {
                FieldEnv("POD_NAME", "metadata.name"),
                FieldEnv("POD_IP", "status.podIP"),
                new Map
                {
                    ["name"] = ConnectionVariable,
                    ["valueFrom"] = new Map
                    {
                        ["secretKeyRef"] = new Map { ["name"] = PostgresSecret, ["key"] = PostgresSecretKey },
                    },
                },
            },
            ["ports"] = new List<object>
            {
                new Map { ["name"] = "silo", ["containerPort"] = SiloPort, ["protocol"] = "TCP" },
                new Map { ["name"] = "gateway", ["containerPort"] = GatewayPort, ["protocol"] = "TCP" },
            },
            ["resources"] = Resources(),
            ["volumeMounts"] = VolumeMounts(),
            ["livenessProbe"] = new Map
            {
                ["tcpSocket"] = new Map { ["port"] = "silo" },
                ["initialDelaySeconds"] = 30,
                ["periodSeconds"] = 10,
                ["failureThreshold"] = 6,
            },
        };
        return container;
    }

    private List<object> Arguments()
    {
        var arguments = new List<object>
        {
            "node",
            "--name", "$(POD_NAME)",
            "--host", "$(POD_IP)",
            "--silo-port", Invariant(SiloPort),
            "--gateway-port", Invariant(GatewayPort),
            // No --postgres: the node reads the Secret's connection string from its environment, so the password
            // never shows in a process listing.
            "--slots", Invariant(Slots),
            "--gpus", Invariant(NumGpus),
            "--worker-bin", $"{ModulePath}/bin",
            "--udf-cache", "/var/cache/geneva/udfs",
        };
        return arguments;
    }

    private Map Resources()
    {
        var requests = new Map();
        var limits = new Map();
        if (!string.IsNullOrEmpty(Cpu))
        {
            requests["cpu"] = Cpu;
        }
        if (!string.IsNullOrEmpty(Memory))
        {
            requests["memory"] = Memory;
            limits["memory"] = Memory;
        }
        if (NumGpus > 0)
        {
            // Extended resources are whole units and go in limits (requests default to them).
            limits["nvidia.com/gpu"] = NumGpus;
        }
        var resources = new Map();
        if (requests.Count > 0)
        {
            resources["requests"] = requests;
        }
        if (limits.Count > 0)
        {
            resources["limits"] = limits;
        }
        return resources;
    }

    private List<object> VolumeMounts()
    {
        var mounts = new List<object> { new Map { ["name"] = "udf-cache", ["mountPath"] = "/var/cache/geneva/udfs" } };
        if (!string.IsNullOrEmpty(TableClaim))
        {
            mounts.Add(new Map { ["name"] = "tables", ["mountPath"] = TablePath });
        }
        return mounts;
    }

    private List<object> Volumes()
    {
        var volumes = new List<object> { new Map { ["name"] = "udf-cache", ["emptyDir"] = new Map() } };
        if (!string.IsNullOrEmpty(TableClaim))
        {
            volumes.Add(new Map
            {
                ["name"] = "tables",
                ["persistentVolumeClaim"] = new Map { ["claimName"] = TableClaim },
            });
        }
        return volumes;
    }

    private Map DisruptionBudget() => new()
    {
        ["apiVersion"] = "policy/v1",
        ["kind"] = "PodDisruptionBudget",
        ["metadata"] = Metadata(),
        ["spec"] = new Map
        {
            // A drain takes one node at a time: the coordinator re-queues a leaving node's tasks on the others.
            ["maxUnavailable"] = 1,
            ["selector"] = new Map { ["matchLabels"] = Labels() },
        },
    };

    private static Map FieldEnv(string name, string fieldPath) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new Map { ["fieldRef"] = new Map { ["fieldPath"] = fieldPath } },
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A YAML mapping that keeps its keys in the order they were added.</summary>
    private sealed class Map : OrderedDictionary<string, object>
    {
    }
}
