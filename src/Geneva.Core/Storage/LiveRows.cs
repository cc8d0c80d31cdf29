namespace Geneva.Core.Storage;

/// <summary>Which rows of a fragment's range a Lance delete left, from its sorted deleted offsets.</summary>
internal static class LiveRows
{
    /// <summary>The offsets (from <paramref name="start"/>) of rows in the range that are not deleted; null when none is.</summary>
    public static int[]? In(IReadOnlyList<uint> deleted, int start, int length)
    {
        if (deleted.Count == 0)
        {
            return null;
        }
        var from = LowerBound(deleted, (uint)start);
        var to = LowerBound(deleted, (uint)(start + length));
        if (from == to)
        {
            return null;
        }
        var live = new int[length - (to - from)];
        var next = from;
        var n = 0;
        for (var i = 0; i < length; i++)
        {
            if (next < to && deleted[next] == (uint)(start + i))
            {
                next++;
                continue;
            }
            live[n++] = i;
        }
        return live;
    }

    private static int LowerBound(IReadOnlyList<uint> sorted, uint value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
