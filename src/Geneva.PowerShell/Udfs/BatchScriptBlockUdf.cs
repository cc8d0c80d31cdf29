using System.Collections;
using System.Management.Automation;
using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Udfs;

/// <summary>A scriptblock called once per batch with each input column as an array; returns one value per row.</summary>
internal sealed class BatchScriptBlockUdf(ScriptBlock block, string outputType) : IBatchUdf
{
    private readonly Apache.Arrow.Types.IArrowType _type = ArrowTypeNames.Parse(outputType);

    public IArrowArray Apply(RecordBatch input)
    {
        var args = new object?[input.ColumnCount];
        for (var c = 0; c < args.Length; c++)
        {
            var column = input.Column(c);
            var values = new object?[input.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = ArrowValues.GetValue(column, i);
            }
            args[c] = values;
        }
        var result = PSValues.Unwrap(ScriptBlockInvoker.Invoke(block, args));
        IReadOnlyList<object?> outputs = result switch
        {
            object?[] array => array,
            IEnumerable e and not string => e.Cast<object?>().Select(PSValues.Unwrap).ToList(),
            _ => [result],
        };
        return ArrowValues.Build(_type, outputs);
    }
}
