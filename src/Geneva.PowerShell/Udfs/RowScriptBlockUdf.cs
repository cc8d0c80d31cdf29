using System.Management.Automation;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Udfs;

/// <summary>A scriptblock called once per row with the row's input values as arguments.</summary>
internal sealed class RowScriptBlockUdf(ScriptBlock block) : IScalarUdf
{
    public object? Apply(object?[] args)
    {
        var result = PSValues.Unwrap(ScriptBlockInvoker.Invoke(block, args));
        if (result is object?[] { Length: > 1 } many)
        {
            throw new InvalidOperationException(
                $"The scriptblock returned {many.Length} values for one row; a row UDF returns one value (wrap a list in ,@(...)).");
        }
        return result is object?[] { Length: 1 } one ? one[0] : result;
    }
}
