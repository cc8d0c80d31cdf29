using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// What a full-zip page's value compression means for reading it, checked once when the file opens (and kept in
/// the page's state). Fixed width: flat, or fixed_size_list over flat, whose rows may carry their items' validity
/// bits before the values (LanceDB does when the items are nullable). Variable width: a 4- or 8-byte length per
/// valid row, then the bytes as they are, FSST-compressed with the page's symbol table, or zstd-compressed one by
/// one (LanceDB's choice for values over 32 KiB).
/// </summary>
internal sealed class FullZipValues
{
    private FullZipValues(int validityBytes, int lengthBytes, FsstSymbolTable? fsst, bool zstd)
    {
        ValidityBytes = validityBytes;
        LengthBytes = lengthBytes;
        Fsst = fsst;
        Zstd = zstd;
    }

    /// <summary>Fixed width: bytes of item validity at the start of each row's value (0: none).</summary>
    public int ValidityBytes { get; }

    /// <summary>Variable width: bytes of each valid row's length (4 or 8).</summary>
    public int LengthBytes { get; }

    /// <summary>Set when the values are FSST-compressed.</summary>
    public FsstSymbolTable? Fsst { get; }

    /// <summary>Each value is a zstd frame (with or without Lance's u64 length prefix).</summary>
    public bool Zstd { get; }

    /// <summary>The page's values, or Unsupported naming the compression when Geneva does not read it.</summary>
    public static FullZipValues Parse(FullZipLayout layout, LanceLeafType type, string path, string column)
    {
        var encoding = layout.ValueCompression;
        FullZipValues? values = null;
        if (type.Kind == LanceLeafKind.Fixed && layout.DetailsCase == FullZipLayout.DetailsOneofCase.BitsPerValue)
        {
            var validityBytes = FixedValidityBytes(encoding, type);
            if (validityBytes >= 0 && layout.BitsPerValue == (ulong)(type.RowBytes + validityBytes) * 8)
            {
                values = new FullZipValues(validityBytes, 0, null, false);
            }
        }
        else if (type.Kind == LanceLeafKind.Variable && layout.DetailsCase == FullZipLayout.DetailsOneofCase.BitsPerOffset &&
                 layout.BitsPerOffset is 32 or 64)
        {
            var lengthBytes = (int)layout.BitsPerOffset / 8;
            switch (encoding?.CompressionCase)
            {
                case CompressiveEncoding.CompressionOneofCase.Variable when IsPlainVariable(encoding):
                    values = new FullZipValues(0, lengthBytes, null, false);
                    break;
                case CompressiveEncoding.CompressionOneofCase.Fsst when IsPlainVariable(encoding.Fsst.Values):
                    values = new FullZipValues(0, lengthBytes, FsstSymbolTable.Parse(encoding.Fsst.SymbolTable.Span, path, column), false);
                    break;
                case CompressiveEncoding.CompressionOneofCase.General when
                    encoding.General.Compression?.Scheme == CompressionScheme.CompressionAlgorithmZstd && IsPlainVariable(encoding.General.Values):
                    values = new FullZipValues(0, lengthBytes, null, true);
                    break;
            }
        }
        return values ?? throw LanceFileErrors.Unsupported(path, column,
            $"a full-zip page ({layout.DetailsCase} {(layout.DetailsCase == FullZipLayout.DetailsOneofCase.BitsPerValue ? layout.BitsPerValue : layout.BitsPerOffset)}) " +
            $"with the value compression {encoding?.CompressionCase.ToString() ?? "(none)"} for {type.ArrowType.Name}");
    }

    /// <summary>Bytes of item validity per row for a readable fixed-width compression, or -1.</summary>
    private static int FixedValidityBytes(CompressiveEncoding? encoding, LanceLeafType type)
    {
        if (!type.IsFixedSizeList)
        {
            return encoding?.Flat is { Data: null } flat && flat.BitsPerValue == (ulong)type.RowBytes * 8 ? 0 : -1;
        }
        if (encoding?.FixedSizeList is { } fsl && fsl.ItemsPerValue == (ulong)type.Dimension &&
            fsl.Values?.Flat is { Data: null } items && items.BitsPerValue == (ulong)type.ItemBytes * 8)
        {
            return fsl.HasValidity ? (type.Dimension + 7) / 8 : 0;
        }
        return -1;
    }

    private static bool IsPlainVariable(CompressiveEncoding? encoding) =>
        encoding?.Variable is { Values: null } variable && variable.Offsets?.Flat is { Data: null, BitsPerValue: 32 or 64 };
}
