using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The value compressions Geneva writes and reads: flat (fixed width, no compression), variable
/// (32-bit offsets plus bytes) and fixed_size_list over flat. Everything else is refused on read.
/// </summary>
internal static class LanceValueCompression
{
    public static CompressiveEncoding Flat(ulong bitsPerValue) => new() { Flat = new Flat { BitsPerValue = bitsPerValue } };

    public static CompressiveEncoding Variable32() => new() { Variable = new Variable { Offsets = Flat(32) } };

    /// <summary>The value compression of a column's rows: what LanceDB writes for the same data uncompressed.</summary>
    public static CompressiveEncoding For(LanceLeafType type) => type.Kind switch
    {
        LanceLeafKind.Bool => Flat(1),
        LanceLeafKind.Variable => Variable32(),
        _ when type.IsFixedSizeList => new CompressiveEncoding
        {
            FixedSizeList = new FixedSizeList { ItemsPerValue = (ulong)type.Dimension, Values = Flat((ulong)type.ItemBytes * 8) },
        },
        _ => Flat((ulong)type.RowBytes * 8),
    };

    /// <summary>Checks that <paramref name="encoding"/> is what <see cref="For"/> gives for the column's type; throws DataFileCorrupt.</summary>
    public static void Check(CompressiveEncoding? encoding, LanceLeafType type, string path, string column)
    {
        var ok = encoding?.CompressionCase switch
        {
            CompressiveEncoding.CompressionOneofCase.Flat =>
                encoding.Flat.Data is null &&
                (type.Kind == LanceLeafKind.Bool ? encoding.Flat.BitsPerValue == 1 :
                 type.Kind == LanceLeafKind.Fixed && encoding.Flat.BitsPerValue == (ulong)type.RowBytes * 8),
            CompressiveEncoding.CompressionOneofCase.Variable =>
                type.Kind == LanceLeafKind.Variable && encoding.Variable.Values is null &&
                encoding.Variable.Offsets?.Flat is { BitsPerValue: 32, Data: null },
            CompressiveEncoding.CompressionOneofCase.FixedSizeList =>
                type.IsFixedSizeList && !encoding.FixedSizeList.HasValidity &&
                encoding.FixedSizeList.ItemsPerValue == (ulong)type.Dimension &&
                encoding.FixedSizeList.Values?.Flat is { Data: null } inner && inner.BitsPerValue == (ulong)type.ItemBytes * 8,
            _ => false,
        };
        if (!ok)
        {
            throw LanceFileErrors.Unsupported(path, column, $"the value compression {encoding?.CompressionCase.ToString() ?? "(none)"} ({encoding}) for {type.ArrowType.Name}");
        }
    }
}
