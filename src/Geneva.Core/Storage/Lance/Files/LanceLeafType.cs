using Apache.Arrow.Types;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>How a column's values are laid out in a page, whatever the Arrow type.</summary>
internal enum LanceLeafKind
{
    /// <summary>Fixed bytes per row: integers, floats, dates, timestamps, and fixed_size_list of those (row = all N items).</summary>
    Fixed,

    /// <summary>One bit per row.</summary>
    Bool,

    /// <summary>Bytes of any length per row (utf8, binary), with 32-bit offsets.</summary>
    Variable,
}

/// <summary>
/// A column's leaf shape: the Arrow type of its rows, the kind of values, the bytes per row for fixed
/// width, and for a fixed_size_list its dimension and item width.
/// </summary>
internal sealed class LanceLeafType
{
    private LanceLeafType(IArrowType arrowType, LanceLeafKind kind, int rowBytes, int dimension, int itemBytes)
    {
        ArrowType = arrowType;
        Kind = kind;
        RowBytes = rowBytes;
        Dimension = dimension;
        ItemBytes = itemBytes;
    }

    public IArrowType ArrowType { get; }

    public LanceLeafKind Kind { get; }

    /// <summary>Bytes per row for <see cref="LanceLeafKind.Fixed"/>; 0 otherwise.</summary>
    public int RowBytes { get; }

    /// <summary>Items per row: N for fixed_size_list&lt;T&gt;[N], 1 otherwise.</summary>
    public int Dimension { get; }

    /// <summary>Bytes per item (RowBytes / Dimension) for fixed width.</summary>
    public int ItemBytes { get; }

    public bool IsFixedSizeList => ArrowType is FixedSizeListType;

    /// <summary>The leaf shape of an Arrow type, or null when it is not a leaf we store (list&lt;T&gt;).</summary>
    public static LanceLeafType? TryCreate(IArrowType type)
    {
        switch (type)
        {
            case BooleanType:
                return new LanceLeafType(type, LanceLeafKind.Bool, 0, 1, 0);
            case StringType or BinaryType:
                return new LanceLeafType(type, LanceLeafKind.Variable, 0, 1, 0);
            case FixedSizeListType fsl when FixedWidth(fsl.ValueDataType) is int item and > 0:
                return new LanceLeafType(type, LanceLeafKind.Fixed, checked(item * fsl.ListSize), fsl.ListSize, item);
            default:
                return FixedWidth(type) is int width and > 0 ? new LanceLeafType(type, LanceLeafKind.Fixed, width, 1, width) : null;
        }
    }

    /// <summary>
    /// <see cref="TryCreate"/>, and also large_utf8/large_binary, which files LanceDB wrote may hold: read as variable
    /// width with 64-bit Arrow offsets (the writers do not take them, hence a separate door).
    /// </summary>
    public static LanceLeafType? TryCreateForRead(IArrowType type) =>
        type is LargeStringType or LargeBinaryType ? new LanceLeafType(type, LanceLeafKind.Variable, 0, 1, 0) : TryCreate(type);

    private static int FixedWidth(IArrowType type) => type switch
    {
        Int8Type or UInt8Type => 1,
        Int16Type or UInt16Type => 2,
        Int32Type or UInt32Type or FloatType or Date32Type => 4,
        Int64Type or UInt64Type or DoubleType or TimestampType => 8,
        _ => 0,
    };
}
