using System.Globalization;

namespace Geneva.Cluster;

/// <summary>
/// What a silo is, kept in its membership entry's silo name (so it outlives the silo: a dead node
/// still has a name, slots, machine and process id in the table): <c>kind|slots|gpus|pid|machine|name</c>.
/// </summary>
public sealed record SiloRole(string Kind, string Name, int Slots, int Gpus, int ProcessId)
{
    /// <summary>The machine the silo runs on (its host name).</summary>
    public string Machine { get; init; } = Environment.MachineName;

    public const string NodeKind = "node";
    public const string DispatcherKind = "dispatch";
    public const string ToolKind = "tool";

    public bool IsNode => Kind == NodeKind;

    public bool IsDispatcher => Kind == DispatcherKind;

    public static SiloRole Node(string name, int slots, int gpus) => new(NodeKind, name, slots, gpus, Environment.ProcessId);

    public static SiloRole Dispatcher() =>
        new(DispatcherKind, $"dispatcher@{Environment.MachineName}:{Environment.ProcessId}", 0, 0, Environment.ProcessId);

    public static SiloRole Tool(string what) => new(ToolKind, $"{what}@{Environment.MachineName}:{Environment.ProcessId}", 0, 0, Environment.ProcessId);

    public string Encode() => string.Join('|', Kind, Slots.ToString(CultureInfo.InvariantCulture),
        Gpus.ToString(CultureInfo.InvariantCulture), ProcessId.ToString(CultureInfo.InvariantCulture), Machine.Replace('|', '_'), Name);

    /// <summary>Null for a silo name that is not one of ours.</summary>
    public static SiloRole? Parse(string? siloName)
    {
        var parts = siloName?.Split('|', 6);
        if (parts is not { Length: 6 } || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var slots) ||
            !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var gpus) ||
            !int.TryParse(parts[3], CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        return new SiloRole(parts[0], parts[5], slots, gpus, pid) { Machine = parts[4] };
    }
}
