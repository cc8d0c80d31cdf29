namespace Geneva.Cluster.Dispatch;

/// <summary>A worker node as the dispatcher sees the membership: address (parsable silo address), name, slot count.</summary>
public sealed record NodeEntry(string Address, string Name, int Slots);
