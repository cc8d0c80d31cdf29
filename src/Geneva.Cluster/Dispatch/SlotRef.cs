namespace Geneva.Cluster.Dispatch;

/// <summary>A slot of a node: the node's silo address (parsable form), its name, and the slot's index there.</summary>
public sealed record SlotRef(string Node, string NodeName, int Index);
