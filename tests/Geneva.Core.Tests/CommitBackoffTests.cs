using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class CommitBackoffTests
{
    [Fact]
    public void Ceiling_DoublesPerAttemptUpToTheCap()
    {
        Assert.Equal(CommitBackoff.Base, CommitBackoff.Ceiling(1));
        Assert.Equal(CommitBackoff.Base * 2, CommitBackoff.Ceiling(2));
        Assert.Equal(CommitBackoff.Base * 8, CommitBackoff.Ceiling(4));
        Assert.Equal(CommitBackoff.Cap, CommitBackoff.Ceiling(GenevaTable.MaxCommitAttempts));
        Assert.Equal(CommitBackoff.Cap, CommitBackoff.Ceiling(50));
    }

    [Fact]
    public void Delay_IsJitteredBetweenZeroAndTheCeiling()
    {
        var random = new Random(1234);
        for (var attempt = 1; attempt <= GenevaTable.MaxCommitAttempts; attempt++)
        {
            var delays = Enumerable.Range(0, 200).Select(_ => CommitBackoff.Delay(attempt, random)).ToList();
            Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, CommitBackoff.Ceiling(attempt)));
            Assert.True(delays.Distinct().Count() > 150, "full jitter: the waits are spread, not equal");
            Assert.True(delays.Min() < CommitBackoff.Ceiling(attempt) / 4 && delays.Max() > CommitBackoff.Ceiling(attempt) * 3 / 4);
        }
    }
}
