namespace Geneva.Core.Udfs;

/// <summary>
/// What a UDF failure does: an ordered list of rules, first match wins, no match fails the job.
/// The named presets are Geneva's: Fail, RetryTransient, RetryAll, Skip.
/// </summary>
public sealed record ErrorPolicy
{
    public string Name { get; init; } = "Custom";

    public IReadOnlyList<ErrorRule> Rules { get; init; } = [];

    /// <summary>Past this many skipped rows in a job, the job fails.</summary>
    public long? MaxSkipCount { get; init; }

    /// <summary>Past this fraction of the job's rows skipped, the job fails.</summary>
    public double? MaxSkipFraction { get; init; }

    public static ErrorPolicy Fail { get; } = new() { Name = "Fail" };

    public static ErrorPolicy Skip { get; } = new()
    {
        Name = "Skip",
        Rules = [new ErrorRule { Action = ErrorAction.Skip }],
    };

    public static ErrorPolicy RetryAll { get; } = new()
    {
        Name = "RetryAll",
        Rules = [new ErrorRule { Action = ErrorAction.Retry }],
    };

    public static ErrorPolicy RetryTransient { get; } = new()
    {
        Name = "RetryTransient",
        Rules =
        [
            new ErrorRule { ExceptionType = "System.IO.IOException", Action = ErrorAction.Retry },
            new ErrorRule { ExceptionType = "System.TimeoutException", Action = ErrorAction.Retry },
        ],
    };

    public static ErrorPolicy FromName(string name) => name.ToLowerInvariant() switch
    {
        "fail" => Fail,
        "skip" => Skip,
        "retryall" => RetryAll,
        "retrytransient" => RetryTransient,
        _ => throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
            $"Unknown error policy '{name}'. Use Fail, Skip, RetryTransient, RetryAll, or a list of rules.", name),
    };

    public void Validate()
    {
        foreach (var rule in Rules)
        {
            rule.Validate();
        }
    }

    /// <summary>
    /// Decides what to do after <paramref name="attempt"/> (1-based) failed with <paramref name="error"/>.
    /// A Retry rule whose attempts are used up fails.
    /// </summary>
    public ErrorAction Decide(Exception error, int attempt, out ErrorRule? rule)
    {
        rule = Rules.FirstOrDefault(r => r.Matches(error));
        if (rule is null)
        {
            return ErrorAction.Fail;
        }
        if (rule.Action == ErrorAction.Retry && attempt >= rule.MaxAttempts)
        {
            return ErrorAction.Fail;
        }
        return rule.Action;
    }
}
