using Orleans.Runtime;

namespace Geneva.Cluster.Placement;

/// <summary>Places a grain on the silo its key names (<see cref="SiloKey"/>): slots and node agents live where their node is.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class PinnedPlacement : PlacementStrategy
{
    public static readonly PinnedPlacement Instance = new();

    public override bool IsUsingGrainDirectory => true;
}
