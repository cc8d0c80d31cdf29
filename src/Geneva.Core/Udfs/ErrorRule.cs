using System.Text.RegularExpressions;

namespace Geneva.Core.Udfs;

/// <summary>
/// One matcher of an <see cref="ErrorPolicy"/>: an exception type (subclasses match, by full
/// or short name) and an optional message regex, deciding what happens to the failing row.
/// </summary>
public sealed record ErrorRule
{
    public string ExceptionType { get; init; } = "System.Exception";

    public string? MessagePattern { get; init; }

    public ErrorAction Action { get; init; }

    /// <summary>Attempts in all, the first included, when <see cref="Action"/> is Retry.</summary>
    public int MaxAttempts { get; init; } = 3;

    public RetryBackoff Backoff { get; init; } = RetryBackoff.Exponential;

    /// <summary>Rejects a bad regex or attempt count when the UDF is defined, not mid-job.</summary>
    public void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"MaxAttempts must be at least 1 (got {MaxAttempts}).", MaxAttempts);
        }
        if (MessagePattern is not null)
        {
            try
            {
                _ = new Regex(MessagePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                    $"Error rule message pattern '{MessagePattern}' is not a valid regular expression: {e.Message}",
                    MessagePattern, e);
            }
        }
    }

    public bool Matches(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (TypeMatches(e.GetType()) &&
                (MessagePattern is null || Regex.IsMatch(e.Message, MessagePattern, RegexOptions.None, TimeSpan.FromSeconds(1))))
            {
                return true;
            }
        }
        return false;
    }

    private bool TypeMatches(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (string.Equals(type.FullName, ExceptionType, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(type.Name, ExceptionType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public TimeSpan DelayBeforeAttempt(int attempt, Random random)
    {
        var seconds = Backoff switch
        {
            RetryBackoff.Fixed => 1.0,
            RetryBackoff.Linear => Math.Min(attempt, 60),
            _ => 1.0 + (random.NextDouble() * (Math.Min(60.0, Math.Pow(2, attempt)) - 1.0)),
        };
        return TimeSpan.FromSeconds(seconds);
    }
}
