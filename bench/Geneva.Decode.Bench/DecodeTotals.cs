namespace Geneva.Decode.Bench;

/// <summary>What one (column, page encoding) decoded: rows, bytes stored, Arrow bytes out, and the best time over the repeats.</summary>
internal sealed class DecodeTotals
{
    public long Rows { get; set; }

    public long Pages { get; set; }

    /// <summary>Bytes of the pages' buffers in the files (0 when the format does not list them: 2.0).</summary>
    public ulong StoredBytes { get; set; }

    /// <summary>Bytes of the Arrow buffers a decode returns (values, offsets, validity; children included).</summary>
    public long ArrowBytes { get; set; }

    /// <summary>Seconds of each repeat; the best is reported (page cache warm, JIT done).</summary>
    public List<double> Seconds { get; } = [];
}
