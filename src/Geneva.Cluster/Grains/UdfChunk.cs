namespace Geneva.Cluster.Grains;

/// <summary>Part of a UDF file's bytes (at most <see cref="MaxBytes"/>, under Orleans's message cap) and the file's length.</summary>
[GenerateSerializer, Immutable]
public sealed record UdfChunk([property: Id(0)] byte[] Data, [property: Id(1)] long Length)
{
    public const int MaxBytes = 4 << 20;
}
