namespace Geneva.Cluster.Grains;

/// <summary>A node's answer to status: who it is and what it is doing.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Address,
    [property: Id(2)] string Host,
    [property: Id(3)] int ProcessId,
    [property: Id(4)] int Slots,
    [property: Id(5)] int Gpus,
    [property: Id(6)] int RunningTasks,
    [property: Id(7)] long CompletedTasks);
