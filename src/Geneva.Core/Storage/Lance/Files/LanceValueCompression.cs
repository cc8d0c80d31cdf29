using Geneva.Core.Storage.Lance.Files.Decoders;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The value compressions of Lance 2.1 pages. Geneva writes flat (fixed width, no compression), variable
/// (32-bit offsets plus bytes) and fixed_size_list over flat. In mini-block pages it reads what LanceDB 0.31
/// writes too (<see cref="MiniBlockDecoder"/>): inline bitpacking, RLE, byte-stream split, dictionaries,
/// FSST, zstd and lz4; anything else is refused naming the encoding.
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
    /// <summary>The decoder of a mini-block page's values; throws LanceUnsupportedEncoding for what Geneva does not read.</summary>
    public static MiniBlockValueDecoder MiniBlockDecoder(CompressiveEncoding? encoding, LanceLeafType type, string path, string column) =>
        TryMiniBlockDecoder(encoding, type, path, column) ??
        throw LanceFileErrors.Unsupported(path, column, $"the mini-block value compression {Describe(encoding)} for {type.ArrowType.Name}");

    /// <summary>The decoder of a dictionary page's indices (32- or 64-bit), or null when Geneva does not read their compression.</summary>
    public static MiniBlockValueDecoder? TryIndexDecoder(CompressiveEncoding? encoding, string path, string column) =>
        TryFixed(encoding, 32, path, column) ?? TryFixed(encoding, 64, path, column);

    private static MiniBlockValueDecoder? TryMiniBlockDecoder(CompressiveEncoding? encoding, LanceLeafType type, string path, string column)
    {
        if (encoding is null)
        {
            return null;
        }
        if (encoding.CompressionCase == CompressiveEncoding.CompressionOneofCase.General)
        {
            return TryGeneral(encoding.General, TryMiniBlockDecoder(encoding.General.Values, type, path, column), path, column);
        }
        switch (type.Kind)
        {
            case LanceLeafKind.Bool:
                return encoding.Flat is { BitsPerValue: 1, Data: null } ? new FlatValueDecoder(1, path, column) : null;
            case LanceLeafKind.Variable:
                return encoding.CompressionCase switch
                {
                    CompressiveEncoding.CompressionOneofCase.Variable when IsVariable32(encoding) => new VariableValueDecoder(path, column),
                    CompressiveEncoding.CompressionOneofCase.Fsst when encoding.Fsst.Values is { } inner && IsVariable32(inner) =>
                        new FsstValueDecoder(FsstSymbolTable.Parse(encoding.Fsst.SymbolTable.Span, path, column), path, column),
                    _ => null,
                };
            default:
                if (type.IsFixedSizeList)
                {
                    return encoding.FixedSizeList is { } fsl && fsl.ItemsPerValue == (ulong)type.Dimension &&
                           fsl.Values?.Flat is { Data: null } inner && inner.BitsPerValue == (ulong)type.ItemBytes * 8
                        ? new FixedSizeListValueDecoder(type.Dimension, type.ItemBytes, fsl.HasValidity, path, column)
                        : null;
                }
                return TryFixed(encoding, type.RowBytes * 8, path, column);
        }
    }

    /// <summary>Fixed-width values of <paramref name="bits"/> bits: flat, inline bitpacking, RLE, byte-stream split, or those under zstd/lz4.</summary>
    private static MiniBlockValueDecoder? TryFixed(CompressiveEncoding? encoding, int bits, string path, string column)
    {
        if (encoding is null || bits % 8 != 0)
        {
            return null;
        }
        var word = bits is 8 or 16 or 32 or 64;
        return encoding.CompressionCase switch
        {
            CompressiveEncoding.CompressionOneofCase.Flat when encoding.Flat is { Data: null } flat && flat.BitsPerValue == (ulong)bits =>
                new FlatValueDecoder(bits, path, column),
            CompressiveEncoding.CompressionOneofCase.InlineBitpacking when word &&
                encoding.InlineBitpacking is { Values: null } ib && ib.UncompressedBitsPerValue == (ulong)bits =>
                new InlineBitpackingDecoder(bits, path, column),
            CompressiveEncoding.CompressionOneofCase.Rle when word &&
                encoding.Rle.Values?.Flat is { Data: null } v && v.BitsPerValue == (ulong)bits &&
                encoding.Rle.RunLengths?.Flat is { BitsPerValue: 8, Data: null } =>
                new RleValueDecoder(bits, path, column),
            CompressiveEncoding.CompressionOneofCase.ByteStreamSplit when
                encoding.ByteStreamSplit.Values?.Flat is { Data: null } s && s.BitsPerValue == (ulong)bits =>
                new ByteStreamSplitDecoder(bits, path, column),
            CompressiveEncoding.CompressionOneofCase.General =>
                TryGeneral(encoding.General, TryFixed(encoding.General.Values, bits, path, column), path, column),
            _ => null,
        };
    }

    private static MiniBlockValueDecoder? TryGeneral(General general, MiniBlockValueDecoder? inner, string path, string column) =>
        inner is not null && general.Compression is { } c &&
        c.Scheme is CompressionScheme.CompressionAlgorithmZstd or CompressionScheme.CompressionAlgorithmLz4
            ? new GeneralCompressionDecoder(c.Scheme, inner, path, column)
            : null;

    private static bool IsVariable32(CompressiveEncoding encoding) =>
        encoding.Variable is { Values: null } v && v.Offsets?.Flat is { BitsPerValue: 32, Data: null };

    /// <summary>An encoding tree in a line, e.g. <c>General(ByteStreamSplit(Flat))</c>, for messages.</summary>
    public static string Describe(CompressiveEncoding? encoding)
    {
        if (encoding is null)
        {
            return "(none)";
        }
        var inner = encoding.CompressionCase switch
        {
            CompressiveEncoding.CompressionOneofCase.Variable => encoding.Variable.Offsets,
            CompressiveEncoding.CompressionOneofCase.Fsst => encoding.Fsst.Values,
            CompressiveEncoding.CompressionOneofCase.General => encoding.General.Values,
            CompressiveEncoding.CompressionOneofCase.Rle => encoding.Rle.Values,
            CompressiveEncoding.CompressionOneofCase.ByteStreamSplit => encoding.ByteStreamSplit.Values,
            CompressiveEncoding.CompressionOneofCase.FixedSizeList => encoding.FixedSizeList.Values,
            CompressiveEncoding.CompressionOneofCase.OutOfLineBitpacking => encoding.OutOfLineBitpacking.Values,
            CompressiveEncoding.CompressionOneofCase.Dictionary => encoding.Dictionary.Indices,
            _ => null,
        };
        return inner is null ? encoding.CompressionCase.ToString() : $"{encoding.CompressionCase}({Describe(inner)})";
    }
}
