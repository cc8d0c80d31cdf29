namespace Geneva.Cluster.Grains;

/// <summary>
/// One dispatch of a task to a slot: which dispatcher to answer (its grain key), the dispatch's id (the
/// dispatcher drops whatever comes later for a dispatch it has given up on) and the task as a worker
/// protocol line; payloads never travel, only the spec.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SlotAssignment(
    [property: Id(0)] string Dispatcher,
    [property: Id(1)] long DispatchId,
    [property: Id(2)] string TaskLine,
    [property: Id(3)] int Instances);
