namespace Geneva.Core.Storage;

/// <summary>
/// How long a commit that lost a race for a version number waits before it rebases and tries again:
/// exponential with full jitter (uniform between zero and <see cref="Base"/> x 2^(attempt-1), at most
/// <see cref="Cap"/>), so writers that collided spread out instead of colliding again in lockstep.
/// </summary>
internal static class CommitBackoff
{
    public static readonly TimeSpan Base = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public static TimeSpan Ceiling(int attempt) =>
        TimeSpan.FromTicks((long)Math.Min(Cap.Ticks, Base.Ticks * Math.Pow(2, Math.Max(0, attempt - 1))));

    public static TimeSpan Delay(int attempt, Random random) => TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(attempt).Ticks));
}
