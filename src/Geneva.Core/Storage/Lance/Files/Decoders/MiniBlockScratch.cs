namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Per-thread scratch space of the mini-block decoders (chunks are at most 4096 values and 32 KiB), so a
/// read allocates nothing per chunk. Each field has one user at a time: nested decoders use different fields.
/// </summary>
internal static class MiniBlockScratch
{
    [ThreadStatic] private static byte[]? s_values;
    [ThreadStatic] private static ushort[]? s_levels;
    [ThreadStatic] private static byte[]? s_indices;
    [ThreadStatic] private static byte[]? s_general;

    /// <summary>Room for one unpacked chunk of 1024 (bitpacking) or 4096 values (BSS) of up to 8 bytes.</summary>
    public static Span<byte> Values(int bytes) => Get(ref s_values, bytes);

    /// <summary>Definition levels of one chunk.</summary>
    public static Span<ushort> Levels(int count)
    {
        if (s_levels is null || s_levels.Length < count)
        {
            s_levels = new ushort[Math.Max(count, 4096)];
        }
        return s_levels.AsSpan(0, count);
    }

    /// <summary>Dictionary indices of one chunk.</summary>
    public static Span<byte> Indices(int bytes) => Get(ref s_indices, bytes);

    /// <summary>A buffer decompressed by general compression (zstd, lz4).</summary>
    public static Span<byte> General(int bytes) => Get(ref s_general, bytes);

    private static Span<byte> Get(ref byte[]? array, int bytes)
    {
        if (array is null || array.Length < bytes)
        {
            array = GC.AllocateUninitializedArray<byte>(Math.Max(bytes, 32 * 1024));
        }
        return array.AsSpan(0, bytes);
    }
}
