namespace Geneva.Core.Checkpoints;

/// <summary>
/// The lease's timings, in one place. A holder renews its lease every <see cref="Heartbeat"/>;
/// a lease not renewed for <see cref="Expiry"/> is free for anyone (its holder is taken as dead,
/// and its job as interrupted). Tests shorten them; the expiry must stay well above the heartbeat.
/// </summary>
public sealed record LeaseOptions
{
    public static LeaseOptions Default { get; } = new();

    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Expiry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a caller that waits for a held lease tries again.</summary>
    public TimeSpan WaitPoll { get; init; } = TimeSpan.FromSeconds(1);
}
