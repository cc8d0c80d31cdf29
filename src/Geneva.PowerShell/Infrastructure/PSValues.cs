using System.Collections;
using System.Management.Automation;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Strips PSObject wrappers (recursively inside arrays) before values reach the engine.</summary>
internal static class PSValues
{
    public static object? Unwrap(object? value)
    {
        // A scriptblock that outputs nothing returns AutomationNull (a PSObject whose base is an empty custom object): that is null.
        if (ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value))
        {
            return null;
        }
        while (value is PSObject ps)
        {
            if (ps.BaseObject is PSCustomObject)
            {
                return ps;
            }
            value = ps.BaseObject;
        }
        if (value is object?[] array)
        {
            var copy = new object?[array.Length];
            for (var i = 0; i < array.Length; i++)
            {
                copy[i] = Unwrap(array[i]);
            }
            return copy;
        }
        if (value is IList list and not Array && value is not string)
        {
            var copy = new object?[list.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = Unwrap(list[i]);
            }
            return copy;
        }
        return value;
    }
}
