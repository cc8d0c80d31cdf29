using Geneva.Core.Storage.Lance.Files.Decoders;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// What a mini-block page needs to decode, made when the page is checked at open (its decoders) and read on
/// its first decode (where each chunk starts, the dictionary). Shared by concurrent reads of the page.
/// </summary>
internal sealed class MiniBlockPagePlan
{
    private readonly object _gate = new();
    private volatile bool _loaded;

    public MiniBlockPagePlan(MiniBlockValueDecoder values, DefinitionLevelDecoder? definitions, DictionaryValueDecoder? dictionary)
    {
        Values = values;
        Definitions = definitions;
        Dictionary = dictionary;
    }

    public MiniBlockValueDecoder Values { get; }

    /// <summary>Set when the page has definition levels (nullable items).</summary>
    public DefinitionLevelDecoder? Definitions { get; }

    /// <summary>Set when the page has a dictionary (then also <see cref="Values"/>).</summary>
    public DictionaryValueDecoder? Dictionary { get; }

    /// <summary>The first row of each chunk, then the page's rows (valid once loaded).</summary>
    public int[] RowStart { get; private set; } = [];

    /// <summary>Where each chunk starts in the data buffer, then its end (valid once loaded).</summary>
    public long[] ByteStart { get; private set; } = [];

    /// <summary>Runs <paramref name="load"/> once (chunk index, dictionary) before the page's first decode.</summary>
    public void EnsureLoaded(Func<(int[] RowStart, long[] ByteStart)> load)
    {
        if (_loaded)
        {
            return;
        }
        lock (_gate)
        {
            if (!_loaded)
            {
                (RowStart, ByteStart) = load();
                _loaded = true;
            }
        }
    }
}
