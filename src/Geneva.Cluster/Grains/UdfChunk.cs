namespace Geneva.Cluster.Grains;

/// <summary>
/// Part of a UDF file's bytes (at most <see cref="MaxBytes"/>, under Orleans's message cap) and the file's length;
/// <see cref="Absent"/> for a dependency the UDF's folder does not hold.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UdfChunk([property: Id(0)] byte[] Data, [property: Id(1)] long Length)
{
    public const int MaxBytes = 4 << 20;

    public static UdfChunk Absent { get; } = new([], -1);

    public bool IsAbsent => Length < 0;
}
