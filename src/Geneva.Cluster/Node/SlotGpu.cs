namespace Geneva.Cluster.Node;

/// <summary>Which GPU a slot's worker process sees: slot i of M on G GPUs uses GPU floor(i*G/M), so M/G slots share each GPU.</summary>
public static class SlotGpu
{
    /// <summary>Null when the node has no GPUs.</summary>
    public static int? For(int slot, int slots, int gpus) =>
        gpus <= 0 || slots <= 0 ? null : Math.Min(gpus - 1, (int)((long)slot * gpus / slots));
}
