using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Storage;

/// <summary>
/// A row's physical address, as Lance's <c>_rowaddr</c> column gives it: the fragment id in the high
/// 32 bits and the row's offset in its fragment in the low 32, as an unsigned 64-bit integer. It names
/// a row of one table version: an append keeps every address, a rewrite of a fragment does not.
/// </summary>
public static class RowAddress
{
    /// <summary>The name of the address column a scan adds on request (Lance's name).</summary>
    public const string ColumnName = "_rowaddr";

    public static ulong Of(int fragmentId, int rowOffset) => ((ulong)(uint)fragmentId << 32) | (uint)rowOffset;

    public static int FragmentId(ulong address) => (int)(address >> 32);

    public static int RowOffset(ulong address) => (int)(uint)address;

    /// <summary>
    /// <paramref name="batch"/> with an address column appended: row i of the batch is row
    /// <c>start + rows[i]</c> of the fragment (<c>start + i</c> when <paramref name="rows"/> is null).
    /// The new batch shares the batch's columns.
    /// </summary>
    public static RecordBatch Append(RecordBatch batch, int fragmentId, int start, IReadOnlyList<int>? rows)
    {
        if (batch.Schema.FieldsList.Any(f => string.Equals(f.Name, ColumnName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"The table has a column named '{ColumnName}', so row addresses cannot be added under that name; " +
                "leave that column out of the columns read.", ColumnName);
        }
        var builder = new UInt64Array.Builder().Reserve(batch.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            builder.Append(Of(fragmentId, start + (rows is null ? i : rows[i])));
        }
        var schema = new Schema(batch.Schema.FieldsList.Append(new Field(ColumnName, UInt64Type.Default, false)), null);
        return new RecordBatch(schema, Enumerable.Range(0, batch.ColumnCount).Select(batch.Column).Append(builder.Build()),
            batch.Length);
    }
}
