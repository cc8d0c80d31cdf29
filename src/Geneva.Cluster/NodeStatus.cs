using System.Text.Json.Serialization;

namespace Geneva.Cluster;

/// <summary>One line of <c>status</c>: a node as the membership and the node itself tell it.</summary>
public sealed record NodeStatus(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("processId")] int ProcessId,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("runningTasks")] int RunningTasks,
    [property: JsonPropertyName("completedTasks")] long CompletedTasks);
