using System.Collections;
using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Udfs;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Reads -OnError: one preset name (Fail, Skip, RetryTransient, RetryAll), or an ordered list of
/// rule hashtables with keys Exception, Match, Action (Retry, Skip, Fail), MaxAttempts, Backoff.
/// </summary>
internal static class ErrorPolicyParser
{
    public static ErrorPolicy Parse(object[] values)
    {
        var items = values.Select(v => v is PSObject ps ? ps.BaseObject : v).ToList();
        if (items.Count == 1 && items[0] is string name)
        {
            return ErrorPolicy.FromName(name);
        }
        var rules = new List<ErrorRule>();
        foreach (var item in items)
        {
            if (item is not IDictionary rule)
            {
                throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                    $"-OnError takes one policy name or a list of rule hashtables, not '{item}'.", item);
            }
            string? Get(string key) => rule.Contains(key) ? rule[key]?.ToString() : null;
            foreach (var key in rule.Keys.Cast<object>().Select(k => k.ToString()!))
            {
                if (key is not ("Exception" or "Match" or "Action" or "MaxAttempts" or "Backoff"))
                {
                    throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                        $"Unknown error rule key '{key}'. Use Exception, Match, Action, MaxAttempts, Backoff.", key);
                }
            }
            rules.Add(new ErrorRule
            {
                ExceptionType = Get("Exception") ?? "System.Exception",
                MessagePattern = Get("Match"),
                Action = ParseEnum<ErrorAction>(Get("Action") ?? "Fail", "Action"),
                MaxAttempts = Get("MaxAttempts") is { } attempts ? int.Parse(attempts, System.Globalization.CultureInfo.InvariantCulture) : 3,
                Backoff = ParseEnum<RetryBackoff>(Get("Backoff") ?? "Exponential", "Backoff"),
            });
        }
        var policy = new ErrorPolicy { Name = "Custom", Rules = rules };
        policy.Validate();
        return policy;
    }

    private static T ParseEnum<T>(string value, string key) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed)
            ? parsed
            : throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"Error rule {key} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.", value);
}
