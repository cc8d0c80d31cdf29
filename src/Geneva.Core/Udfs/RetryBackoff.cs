namespace Geneva.Core.Udfs;

public enum RetryBackoff
{
    /// <summary>Full random jitter between 1 s and min(60 s, 2^attempt s).</summary>
    Exponential,
    Fixed,
    /// <summary>1, 2, 3... seconds, capped at 60.</summary>
    Linear,
}
