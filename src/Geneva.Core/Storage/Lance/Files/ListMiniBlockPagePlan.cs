using Geneva.Core.Storage.Lance.Files.Decoders;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// What a list&lt;T&gt; mini-block page needs to decode: its decoders and level meanings (made when the page is
/// checked at open), then, on its first read, where each chunk starts (values, bytes) and which rows start in
/// it (from the repetition index). Shared by concurrent reads of the page.
/// </summary>
internal sealed class ListMiniBlockPagePlan
{
    private readonly object _gate = new();
    private volatile bool _loaded;

    public ListMiniBlockPagePlan(MiniBlockValueDecoder values, DictionaryValueDecoder? dictionary, DefinitionLevelDecoder repetitions,
                                 DefinitionLevelDecoder? definitions, int nullItem, int nullList, int emptyList)
    {
        Values = values;
        Dictionary = dictionary;
        Repetitions = repetitions;
        Definitions = definitions;
        NullItem = nullItem;
        NullList = nullList;
        EmptyList = emptyList;
        MaxVisible = nullItem > 0 ? nullItem : 0;
    }

    public MiniBlockValueDecoder Values { get; }

    public DictionaryValueDecoder? Dictionary { get; }

    /// <summary>The chunks' u16 repetition levels (1 starts a row, 0 continues it); the same block compressions as definition levels.</summary>
    public DefinitionLevelDecoder Repetitions { get; }

    /// <summary>Set when some level is not a valid item (null items, null or empty lists).</summary>
    public DefinitionLevelDecoder? Definitions { get; }

    /// <summary>Definition level of a null item, a null list, an empty list (-1 when the page has none).</summary>
    public int NullItem { get; }

    public int NullList { get; }

    public int EmptyList { get; }

    /// <summary>Levels at or under this carry a value (an item, valid or null); above it, a null or empty list.</summary>
    public int MaxVisible { get; }

    /// <summary>The first value of each chunk, then the page's values (valid once loaded).</summary>
    public int[] ValueStart { get; private set; } = [];

    /// <summary>Where each chunk starts in the data buffer, then its end.</summary>
    public long[] ByteStart { get; private set; } = [];

    /// <summary>The first row that starts in each chunk (page-relative), then the page's rows.</summary>
    public int[] RowStart { get; private set; } = [];

    /// <summary>Whether each chunk begins with the end of a row that started in an earlier chunk.</summary>
    public bool[] Preamble { get; private set; } = [];

    public void EnsureLoaded(Func<(int[] ValueStart, long[] ByteStart, int[] RowStart, bool[] Preamble)> load)
    {
        if (_loaded)
        {
            return;
        }
        lock (_gate)
        {
            if (!_loaded)
            {
                (ValueStart, ByteStart, RowStart, Preamble) = load();
                _loaded = true;
            }
        }
    }
}
