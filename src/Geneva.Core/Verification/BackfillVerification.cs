namespace Geneva.Core.Verification;

/// <summary>
/// What a check of a computed column found: how its rows stand (<see cref="Filled"/>, <see cref="Stale"/>,
/// <see cref="Null"/>, <see cref="Failed"/>: disjoint, summing to <see cref="Rows"/>), and how a random sample of
/// rows with a value compared with the bound UDF run again (<see cref="Mismatches"/>). Made by reading only.
/// </summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record BackfillVerification
{
    public string TablePath { get; internal init; } = "";
    public long TableVersion { get; internal init; }
    public string Column { get; internal init; } = "";
    public string? Where { get; internal init; }
    public string UdfName { get; internal init; } = "";
    public string UdfVersion { get; internal init; } = "";

    /// <summary>Live rows (matching the filter, when one was given).</summary>
    public long Rows { get; internal init; }

    /// <summary>Rows with a value the current UDF version computed from the current inputs.</summary>
    public long Filled { get; internal init; }

    /// <summary>Rows with a value from another UDF version or from inputs that changed since (a backfill recomputes them).</summary>
    public long Stale { get; internal init; }

    /// <summary>Rows without a value and no recorded failure: not computed yet, or the UDF returned null.</summary>
    public long Null { get; internal init; }

    /// <summary>Rows without a value whose computation by the current UDF version failed (listed by the backfill errors).</summary>
    public long Failed { get; internal init; }

    /// <summary>The seed the sample was drawn with: give it again to recompute the same rows.</summary>
    public int Seed { get; internal init; }

    public double Tolerance { get; internal init; }

    /// <summary>Rows recomputed: a uniform sample of the rows with a value (filled or stale).</summary>
    public int Sampled { get; internal init; }

    public int Matched { get; internal init; }

    public int Mismatched => Mismatches.Count;

    /// <summary>Sampled rows whose stored value differs from the recomputed one, or on which the UDF failed; by row address.</summary>
    public IReadOnlyList<VerificationMismatch> Mismatches { get; internal init; } = [];

    /// <summary>Where the UDF ran (models: cpu, cuda:0), when it chose a device.</summary>
    public string? Device { get; internal init; }

    /// <summary>Seconds spent recomputing the sample, worker start included.</summary>
    public double RecomputeSeconds { get; internal init; }

    /// <summary>True when every sampled row matched.</summary>
    public bool Passed => Mismatches.Count == 0;
}
