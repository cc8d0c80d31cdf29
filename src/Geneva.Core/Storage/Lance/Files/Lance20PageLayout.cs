namespace Geneva.Core.Storage.Lance.Files;

/// <summary>How a 2.0 page stores its rows.</summary>
internal enum Lance20PageKind
{
    /// <summary>Every row null, no buffers (<c>nullable { all_nulls }</c>).</summary>
    AllNull,

    /// <summary>Fixed-width values, bits for bool, or N items a row for a fixed_size_list (<c>flat</c>, <c>fixed_size_list</c>).</summary>
    Flat,

    /// <summary>u64 (or u32) end offsets with null_adjustment, then bytes (<c>binary</c>).</summary>
    Binary,

    /// <summary>u8 indices (0 = null, k = item k - 1) into a binary page of distinct values (<c>dictionary</c>).</summary>
    Dictionary,
}

/// <summary>
/// A 2.0 page encoding (an <c>ArrayEncoding</c> tree) reduced to what Geneva reads: which page buffer
/// holds what. Buffer indexes are checked against the page's buffer count; -1 means absent.
/// </summary>
internal sealed class Lance20PageLayout
{
    public required Lance20PageKind Kind { get; init; }

    /// <summary>The rows' validity bitmap (1 = valid), or -1 when no row is null.</summary>
    public int ValidityBuffer { get; init; } = -1;

    /// <summary>Flat: the values; Binary: the bytes.</summary>
    public int ValuesBuffer { get; init; } = -1;

    /// <summary>Flat: bits per item (1 for bool; for a fixed_size_list, of one item).</summary>
    public int ItemBits { get; init; }

    /// <summary>Flat fixed_size_list: the items' own validity bitmap, or -1.</summary>
    public int ItemValidityBuffer { get; init; } = -1;

    /// <summary>Binary: the end offsets; Dictionary: the end offsets of the items.</summary>
    public int OffsetsBuffer { get; init; } = -1;

    /// <summary>32 or 64.</summary>
    public int OffsetBits { get; init; }

    /// <summary>Binary: an end offset at or above this is a null row's end plus this value.</summary>
    public ulong NullAdjustment { get; init; }

    /// <summary>Dictionary: the items' bytes (<see cref="ValuesBuffer"/> is unused).</summary>
    public int ItemBytesBuffer { get; init; } = -1;

    /// <summary>Dictionary: the indices, one a row.</summary>
    public int IndicesBuffer { get; init; } = -1;

    /// <summary>Dictionary: 8, 16 or 32.</summary>
    public int IndexBits { get; init; }

    /// <summary>Dictionary: how many items.</summary>
    public int DictionaryItems { get; init; }
}
