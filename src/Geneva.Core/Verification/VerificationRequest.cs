namespace Geneva.Core.Verification;

/// <summary>What to check of a computed column: which rows, how many to recompute, and how close floats must be.</summary>
public sealed record VerificationRequest
{
    public const int DefaultSample = 100;

    /// <summary>Relative (and, below 1, absolute) difference allowed between floating-point values.</summary>
    public const double DefaultTolerance = 1e-5;

    public required string Column { get; init; }

    /// <summary>A SQL filter: only matching rows are counted and sampled.</summary>
    public string? Where { get; init; }

    /// <summary>Rows with a value to recompute; 0 counts coverage only and starts no worker.</summary>
    public int Sample { get; init; } = DefaultSample;

    /// <summary>Seeds the sample so that it repeats; null picks a seed (reported in the result).</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// Floats (float16/32/64, alone or in lists) match when |a - b| &lt;= Tolerance x max(1, |a|, |b|); every
    /// other type matches exactly. NaN matches NaN.
    /// </summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Rows recomputed per UDF call.</summary>
    public int CallRows { get; init; } = 1024;

    internal void Validate()
    {
        if (Sample < 0)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"The sample must be 0 rows or more (got {Sample}).", nameof(Sample));
        }
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"The tolerance must be a finite number, 0 or more (got {Tolerance}).", nameof(Tolerance));
        }
        if (CallRows < 1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"CallRows must be at least 1 (got {CallRows}).", nameof(CallRows));
        }
    }
}
