using Geneva.Core.Verification;

namespace Geneva.Core.Tests;

public class RowReservoirTests
{
    private static List<int> Sample(int size, int count, int seed)
    {
        var reservoir = new RowReservoir<int>(size, seed);
        for (var i = 0; i < count; i++)
        {
            if (reservoir.Offer(out var slot))
            {
                reservoir.Set(slot, i);
            }
        }
        Assert.Equal(count, reservoir.Seen);
        return reservoir.Items.Order().ToList();
    }

    [Fact]
    public void Offer_FewerItemsThanSize_TakesThemAll() =>
        Assert.Equal(Enumerable.Range(0, 7), Sample(10, 7, 1));

    [Fact]
    public void Offer_ManyItems_TakesSizeDistinctItems()
    {
        var sample = Sample(100, 1_000_000, 3);
        Assert.Equal(100, sample.Distinct().Count());
        Assert.All(sample, i => Assert.InRange(i, 0, 999_999));
        // Spread over the stream, not bunched at its start.
        Assert.True(sample.Max() > 900_000 && sample.Min() < 100_000);
    }

    [Fact]
    public void Offer_SameSeed_SameSample_OtherSeed_Other()
    {
        Assert.Equal(Sample(20, 50_000, 9), Sample(20, 50_000, 9));
        Assert.NotEqual(Sample(20, 50_000, 9), Sample(20, 50_000, 10));
    }

    [Fact]
    public void Offer_OverManySeeds_EveryItemAboutEquallyLikely()
    {
        // 2,000 samples of 10 from 100: each item is expected 200 times (binomial sd about 13).
        var counts = new int[100];
        for (var seed = 0; seed < 2000; seed++)
        {
            foreach (var i in Sample(10, 100, seed))
            {
                counts[i]++;
            }
        }
        Assert.All(counts, c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    public void Offer_SizeZero_TakesNothing() => Assert.Empty(Sample(0, 1000, 1));
}
