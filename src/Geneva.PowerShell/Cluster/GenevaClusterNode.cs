using System.Text.Json;

namespace Geneva.PowerShell.Cluster;

/// <summary>One worker node of a cluster: a Geneva.Cluster.Host process hosting a silo with slots.</summary>
public sealed class GenevaClusterNode
{
    internal GenevaClusterNode(string name, string address, string host, int processId, int slots, int gpus, string status,
        int runningTasks, int completedTasks)
    {
        Name = name;
        Address = address;
        Host = host;
        ProcessId = processId;
        Slots = slots;
        Gpus = gpus;
        Status = status;
        RunningTasks = runningTasks;
        CompletedTasks = completedTasks;
    }

    public string Name { get; }

    /// <summary>The node's silo endpoint, host:port.</summary>
    public string Address { get; }

    /// <summary>The machine the node runs on.</summary>
    public string Host { get; }

    /// <summary>The node process's id on its machine.</summary>
    public int ProcessId { get; }

    /// <summary>Tasks the node runs at a time (each slot is a local worker process).</summary>
    public int Slots { get; }

    public int Gpus { get; }

    /// <summary>Active, Joining, ShuttingDown, Stopping or Dead, as the cluster's membership has it.</summary>
    public string Status { get; }

    public int RunningTasks { get; }

    public int CompletedTasks { get; }

    public override string ToString() => $"{Name} ({Address})";

    /// <summary>A node's ready line: <c>{"type":"ready","name":..,"address":..,"processId":..,"slots":..,"gpus":..}</c>.</summary>
    internal static GenevaClusterNode FromReady(JsonElement line) => FromJson(line, "Active");

    /// <summary>A line of the status mode: the ready line's fields plus host, status, runningTasks and completedTasks.</summary>
    internal static GenevaClusterNode FromStatus(JsonElement line) => FromJson(line, null);

    private static GenevaClusterNode FromJson(JsonElement line, string? status)
    {
        var address = Text(line, "address");
        var host = Text(line, "host");
        if (host.Length == 0 && address.LastIndexOf(':') is var colon and > 0)
        {
            host = address[..colon];
        }
        return new GenevaClusterNode(Text(line, "name"), address, host, Number(line, "processId"), Number(line, "slots"),
            Number(line, "gpus"), status ?? Text(line, "status"), Number(line, "runningTasks"), Number(line, "completedTasks"));
    }

    private static string Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static int Number(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
