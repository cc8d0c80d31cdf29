using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>How many rows a page buffer (2.0 or 2.1) takes before it reaches its byte budget, and the filling of pages by it.</summary>
internal static class LancePageBudget
{
    /// <summary>
    /// How many variable-width rows from <paramref name="start"/> fit in <paramref name="budget"/> bytes (at least 1),
    /// each costing its bytes plus <paramref name="rowOverhead"/> (its offset, definition or validity).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int VariableRowsThatFit(IArrowArray array, int start, int maxRows, long budget, long rowOverhead)
    {
        var data = array.Data;
        var offsets = MemoryMarshal.Cast<byte, int>(data.Buffers[1].Span).Slice(data.Offset + start, maxRows + 1);
        if (offsets[maxRows] - offsets[0] + rowOverhead * maxRows <= budget)
        {
            return maxRows;
        }
        int lo = 1, hi = maxRows;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) >> 1);
            if (offsets[mid] - offsets[0] + rowOverhead * mid <= budget)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /// <summary>Appends all rows of <paramref name="array"/> to <paramref name="page"/>, calling <paramref name="flush"/> each time it reaches <paramref name="pageBytes"/>.</summary>
    public static void AppendInPages<TPage>(TPage page, IArrowArray array, long pageBytes, Action flush) where TPage : ILancePageBuffer
    {
        var length = array.Length;
        var start = 0;
        while (start < length)
        {
            var rows = page.RowsThatFit(array, start, length - start, pageBytes - page.ByteSize);
            page.Append(array, start, rows);
            start += rows;
            if (page.ByteSize >= pageBytes)
            {
                flush();
            }
        }
    }
}
