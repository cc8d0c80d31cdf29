using Geneva.Core.Execution;

namespace Geneva.Core.Tests;

public class AdaptiveCheckpointSizerTests
{
    [Theory]
    [InlineData(1, 131_072, 16)] // the defaults: a small batch, not one row
    [InlineData(4, 1000, 16)]
    [InlineData(50, 1000, 50)] // never below the minimum
    [InlineData(1, 8, 8)] // nor above the maximum
    [InlineData(256, 256, 256)]
    public void Current_Initially_IsAProofOfLifeBatchWithinMinAndMax(int min, int max, int first)
    {
        Assert.Equal(first, new AdaptiveCheckpointSizer(min, max).Current);
    }

    [Fact]
    public void Record_FastRows_GrowsToRateTimesTargetWithinMax()
    {
        var sizer = new AdaptiveCheckpointSizer(1, 1_000_000, TimeSpan.FromSeconds(10));
        sizer.Record(1, TimeSpan.FromMilliseconds(10)); // 100 rows/s -> 1000 rows in 10 s
        Assert.Equal(1000, sizer.Current);
        sizer.Record(1000, TimeSpan.FromMilliseconds(1)); // 1M rows/s -> clamped at max
        Assert.Equal(1_000_000, sizer.Current);
    }

    [Fact]
    public void Record_CheckpointRunsLong_ShrinksAtOnce()
    {
        var sizer = new AdaptiveCheckpointSizer(10, 100_000, TimeSpan.FromSeconds(10));
        sizer.Record(10, TimeSpan.FromMilliseconds(1));
        Assert.Equal(100_000, sizer.Current);
        sizer.Record(100_000, TimeSpan.FromSeconds(100)); // 1000 rows/s now
        Assert.Equal(10_000, sizer.Current);
    }

    [Fact]
    public void Record_MinEqualsMax_StaysFixed()
    {
        var sizer = new AdaptiveCheckpointSizer(256, 256);
        sizer.Record(256, TimeSpan.FromMilliseconds(1));
        sizer.Record(256, TimeSpan.FromSeconds(500));
        Assert.Equal(256, sizer.Current);
    }

    [Fact]
    public void Record_StuckAtMinimum_ProbesOneSizeHigher()
    {
        var sizer = new AdaptiveCheckpointSizer(5, 100, TimeSpan.FromSeconds(1));
        sizer.Record(16, TimeSpan.FromSeconds(60)); // the proof of life, slow: down to the minimum
        Assert.Equal(5, sizer.Current);
        for (var i = 0; i < AdaptiveCheckpointSizer.ProbeAfter - 1; i++)
        {
            sizer.Record(5, TimeSpan.FromSeconds(60));
            Assert.Equal(5, sizer.Current);
        }
        sizer.Record(5, TimeSpan.FromSeconds(60));
        Assert.Equal(10, sizer.Current);
    }
}
