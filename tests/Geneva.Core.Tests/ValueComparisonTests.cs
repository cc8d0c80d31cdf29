using Geneva.Core.Verification;

namespace Geneva.Core.Tests;

public class ValueComparisonTests
{
    [Theory]
    [InlineData(1.0, 1.0 + 1e-7, 1e-6, true)]
    [InlineData(1.0, 1.0 + 1e-5, 1e-6, false)]
    [InlineData(1e6, 1e6 + 0.5, 1e-6, true)]   // relative above 1
    [InlineData(1e6, 1e6 + 2, 1e-6, false)]
    [InlineData(1e-9, 2e-9, 1e-6, true)]        // absolute below 1
    [InlineData(0.0, 1e-5, 1e-6, false)]
    [InlineData(double.NaN, double.NaN, 0, true)]
    [InlineData(double.NaN, 1.0, 1, false)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, 0, true)]
    [InlineData(double.PositiveInfinity, double.NegativeInfinity, 1, false)]
    public void Matches_Doubles_WithinTolerance(double a, double b, double tolerance, bool expected) =>
        Assert.Equal(expected, ValueComparison.Matches(a, b, tolerance));

    [Fact]
    public void Matches_Floats_WithinTolerance() =>
        Assert.True(ValueComparison.Matches(0.1f, 0.1f + 1e-8f, 1e-6));

    [Fact]
    public void Matches_FloatVectors_ElementWise()
    {
        Assert.True(ValueComparison.Matches(new[] { 1f, 2f, 3f }, new[] { 1f, 2.000001f, 3f }, 1e-5));
        Assert.False(ValueComparison.Matches(new[] { 1f, 2f, 3f }, new[] { 1f, 2.1f, 3f }, 1e-5));
        Assert.False(ValueComparison.Matches(new[] { 1f, 2f }, new[] { 1f, 2f, 3f }, 1));
    }

    [Fact]
    public void Matches_Integers_ExactWhateverTheTolerance()
    {
        Assert.False(ValueComparison.Matches(1000000L, 1000001L, 0.1));
        Assert.True(ValueComparison.Matches(42, 42, 0));
        Assert.False(ValueComparison.Matches(new[] { 1, 2 }, new[] { 1, 3 }, 10));
    }

    [Fact]
    public void Matches_StringsAndBytes_Exact()
    {
        Assert.True(ValueComparison.Matches("abc", "abc", 1));
        Assert.False(ValueComparison.Matches("abc", "ABC", 1));
        Assert.True(ValueComparison.Matches(new byte[] { 1, 2 }, new byte[] { 1, 2 }, 0));
        Assert.False(ValueComparison.Matches(new byte[] { 1, 2 }, new byte[] { 1, 4 }, 0));
    }

    [Fact]
    public void Matches_NullAgainstValue_IsAMismatch()
    {
        Assert.False(ValueComparison.Matches(null, 1.0, 1));
        Assert.False(ValueComparison.Matches("x", null, 1));
        Assert.True(ValueComparison.Matches(null, null, 0));
        Assert.False(ValueComparison.Matches(new object?[] { 1.0, null }, new object?[] { 1.0, 2.0 }, 1));
    }
}
