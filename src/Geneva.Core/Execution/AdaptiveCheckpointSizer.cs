namespace Geneva.Core.Execution;

/// <summary>
/// Picks each checkpoint's row count, one sizer per worker, kept across its tasks. Starts with a
/// small proof-of-life checkpoint of <see cref="ProofOfLifeRows"/> rows (within [min, max]), then sizes to
/// rate x <see cref="TargetSeconds"/> after every
/// checkpoint, so slow UDFs save often and cheap ones save rarely; shrinks at once when a
/// checkpoint runs long; probes one step up after many checkpoints stuck at the minimum.
/// Always within [min, max]; min == max gives fixed-size checkpoints. Thread-safe: a worker's
/// UDF instances share its sizer.
/// </summary>
public sealed class AdaptiveCheckpointSizer
{
    /// <summary>Geneva's target of UDF time per checkpoint.</summary>
    public static readonly TimeSpan DefaultTarget = TimeSpan.FromSeconds(10);

    /// <summary>Checkpoints at the minimum before probing a larger size.</summary>
    public const int ProbeAfter = 8;

    /// <summary>
    /// Rows of the first checkpoint, raised to the minimum or lowered to the maximum. Geneva starts at the
    /// minimum (1 by default) for the fastest proof of life; ours is a small batch instead, because a batch
    /// UDF called with one row is a surprise (a model's first device batch, a vectorized kernel) and says
    /// little about its speed, while 16 rows of even a slow UDF still make the first checkpoint quickly.
    /// </summary>
    public const int ProofOfLifeRows = 16;

    private readonly int _min;
    private readonly int _max;
    private readonly object _gate = new();
    private int _atMinimum;
    private int _current;

    public AdaptiveCheckpointSizer(int min, int max, TimeSpan? target = null)
    {
        if (min < 1 || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"Need 1 <= min <= max (got {min}, {max}).");
        }
        _min = min;
        _max = max;
        TargetSeconds = (target ?? DefaultTarget).TotalSeconds;
        _current = Math.Clamp(ProofOfLifeRows, min, max);
    }

    public double TargetSeconds { get; }

    /// <summary>True when min == max: every checkpoint has exactly that size.</summary>
    public bool IsFixed => _min == _max;

    /// <summary>The size the next checkpoint should have.</summary>
    public int Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Record(int rows, TimeSpan udfTime)
    {
        if (rows <= 0)
        {
            return;
        }
        lock (_gate)
        {
            RecordLocked(rows, udfTime);
        }
    }

    private void RecordLocked(int rows, TimeSpan udfTime)
    {
        var seconds = Math.Max(udfTime.TotalSeconds, 1e-6);
        var ideal = rows / seconds * TargetSeconds;
        var next = (int)Math.Clamp(ideal, _min, _max);
        if (next == _min && _current == _min)
        {
            if (++_atMinimum >= ProbeAfter && _min < _max)
            {
                _atMinimum = 0;
                next = Math.Min(_max, _min * 2);
            }
        }
        else
        {
            _atMinimum = 0;
        }
        _current = next;
    }
}
