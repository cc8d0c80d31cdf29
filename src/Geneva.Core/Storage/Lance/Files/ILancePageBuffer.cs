using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>A column's rows not yet written as a page, in the shape of one format's pages (2.0 or 2.1).</summary>
internal interface ILancePageBuffer
{
    /// <summary>The bytes the page holds so far.</summary>
    long ByteSize { get; }

    /// <summary>How many rows from <paramref name="start"/> fit in <paramref name="budget"/> bytes (at least 1).</summary>
    int RowsThatFit(IArrowArray array, int start, int maxRows, long budget);

    /// <summary>Appends rows [start, start + count) of <paramref name="array"/>.</summary>
    void Append(IArrowArray array, int start, int count);
}
