namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Rows [from, from + count) of a list&lt;T&gt; mini-block page after the first pass of a read: the chunks'
/// bytes (rented), each row's items and nullness, and for each chunk the values of those rows it holds.
/// </summary>
internal sealed class ListMiniBlockSlice
{
    public required LancePage<Proto.PageLayout> Page { get; init; }

    /// <summary>Null for a page of null lists only (the all-null layout).</summary>
    public required ListMiniBlockPagePlan? Plan { get; init; }

    /// <summary>The chunks' bytes, rented from the shared pool.</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>The first chunk read.</summary>
    public required int FirstChunk { get; init; }

    /// <summary>Per chunk read: the values [A, B) of the rows read (A == B when none).</summary>
    public required (int A, int B)[] ChunkValues { get; init; }

    /// <summary>Items of each row.</summary>
    public required int[] RowItems { get; init; }

    /// <summary>Rows that are null lists (not empty ones).</summary>
    public required bool[] RowNull { get; init; }

    /// <summary>Null items, as positions among the items of the slice, in order.</summary>
    public required List<int> NullItems { get; init; }

    public required int Items { get; init; }

    /// <summary>Bytes of the value buffers read (a hint for variable-width items).</summary>
    public required long ValueBytes { get; init; }
}
