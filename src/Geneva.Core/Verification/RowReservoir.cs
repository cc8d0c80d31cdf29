namespace Geneva.Core.Verification;

/// <summary>
/// A uniform sample of <c>size</c> items from a stream of unknown length (reservoir sampling, Li's
/// "Algorithm L": random numbers only at the items it takes, about size x ln(n / size) of them), so a pass
/// over a 10M-row column costs a counter per row. The same seed over the same stream takes the same items.
/// </summary>
internal sealed class RowReservoir<T>
{
    private readonly int _size;
    private readonly Random _random;
    private readonly List<T> _items;
    private long _seen;
    private long _next;
    private double _w;

    public RowReservoir(int size, int seed)
    {
        _size = Math.Max(0, size);
        _random = new Random(seed);
        _items = new List<T>(Math.Min(_size, 1 << 16));
    }

    public IReadOnlyList<T> Items => _items;

    /// <summary>Items offered so far.</summary>
    public long Seen => _seen;

    /// <summary>
    /// Counts the next item of the stream; true when it goes into the sample, at <paramref name="slot"/>
    /// (the caller then stores it with <see cref="Set"/>).
    /// </summary>
    public bool Offer(out int slot)
    {
        _seen++;
        slot = -1;
        if (_size == 0)
        {
            return false;
        }
        if (_seen <= _size)
        {
            _items.Add(default!);
            slot = _items.Count - 1;
            if (_seen == _size)
            {
                _w = Math.Exp(Math.Log(Uniform()) / _size);
                _next = _seen + Skip() + 1;
            }
            return true;
        }
        if (_seen != _next)
        {
            return false;
        }
        slot = _random.Next(_size);
        _w *= Math.Exp(Math.Log(Uniform()) / _size);
        _next = _seen + Skip() + 1;
        return true;
    }

    public void Set(int slot, T item) => _items[slot] = item;

    /// <summary>Items to pass over before the next one taken.</summary>
    private long Skip()
    {
        var skip = Math.Floor(Math.Log(Uniform()) / Math.Log(1 - _w));
        return double.IsNaN(skip) || skip < 0 ? 0 : skip > long.MaxValue / 4 ? long.MaxValue / 4 : (long)skip;
    }

    /// <summary>A number in (0, 1]: logarithms stay finite.</summary>
    private double Uniform() => 1 - _random.NextDouble();
}
