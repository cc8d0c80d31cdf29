using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using Geneva.Core.Planning;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// The one place a <see cref="BackfillRequest"/>'s fields are copied: from a cmdlet's bound
/// parameters, from a plan brought back as a property bag (Import-Clixml, ConvertFrom-Json), and a
/// run's knobs over a plan's or a stored job's request. It goes by the request's property names, so
/// a field added to the request is carried by every path without another edit (the plan argument
/// once lost CheckpointTimeout because it listed the fields by hand).
/// </summary>
internal static class BackfillRequestFields
{
    /// <summary>
    /// Settings that change how a run executes, not what it computes: a piped plan or a resume may
    /// take new values for them. The others (filter, NumFrags, checkpoint sizes) stay the plan's.
    /// </summary>
    public static readonly IReadOnlyList<string> RunTime =
        [nameof(BackfillRequest.Concurrency), nameof(BackfillRequest.IntraApplierConcurrency), nameof(BackfillRequest.CheckpointTimeout)];

    private static readonly PropertyInfo[] s_fields = typeof(BackfillRequest).GetProperties().Where(p => p.CanWrite).ToArray();

    /// <summary>The request a cmdlet's parameters ask for; each field is the parameter of the same name.</summary>
    public static BackfillRequest FromParameters(IDictionary<string, object> bound) => Copy(name => Bound(bound, name), baseline: null);

    /// <summary>The request of a plan read back as a property bag; its Request property holds the fields.</summary>
    public static BackfillRequest FromProperties(PSObject request) =>
        Copy(name => request.Properties[name]?.Value, baseline: null);

    /// <summary>
    /// The run-time knobs a cmdlet was given, applied over a request: a snapshot, so the result
    /// may run later on another thread (-AsJob).
    /// </summary>
    public static Func<BackfillRequest, BackfillRequest> RunTimeOverrides(IDictionary<string, object> bound)
    {
        var given = RunTime.Where(bound.ContainsKey).ToDictionary(name => name, name => Bound(bound, name));
        return request => Copy(name => given.GetValueOrDefault(name), request);
    }

    /// <summary>A new request: each field's value by name, or <paramref name="baseline"/>'s where there is none.</summary>
    private static BackfillRequest Copy(Func<string, object?> value, BackfillRequest? baseline)
    {
        // A fresh copy: the fields are set once, here, before anyone else sees the object.
        var request = baseline is null ? new BackfillRequest { Column = "" } : baseline with { };
        foreach (var field in s_fields)
        {
            if (value(field.Name) is { } given && (given is not PSObject ps || ps.BaseObject is not null))
            {
                field.SetValue(request, LanguagePrimitives.ConvertTo(given, field.PropertyType, CultureInfo.InvariantCulture));
            }
        }
        return request;
    }

    private static object? Bound(IDictionary<string, object> bound, string name) => bound.TryGetValue(name, out var value) ? value : null;
}
