using Orleans.Placement;

namespace Geneva.Cluster.Placement;

/// <summary>Marks a grain class as placed by <see cref="PinnedPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PinnedPlacementAttribute() : PlacementAttribute(PinnedPlacement.Instance);
