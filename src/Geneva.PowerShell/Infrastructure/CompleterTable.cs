using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Finds the table a tab completion is about, for the completers of columns, job ids and versions: the
/// command's own -Table (or -Path) argument, else, when the command takes its table from the pipeline
/// (<c>Get-GenevaTable t | Start-GenevaBackfill -Column &lt;Tab&gt;</c>), the pipeline's first command's table
/// argument, or the value of a variable piped in (<c>$t | Start-GenevaBackfill -Column &lt;Tab&gt;</c>).
/// </summary>
internal static class CompleterTable
{
    private static readonly string[] s_tableParameters = ["Table", "Path", "TablePath"];

    /// <summary>The table's full path, or null when the command line names none.</summary>
    public static string? PathOf(CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var given = s_tableParameters.Select(name => fakeBoundParameters[name]).FirstOrDefault(v => v is not null);
        var path = TableArgumentAttribute.PathOf(given) ?? FromPipeline(commandAst);
        if (path is null)
        {
            return null;
        }
        // A completer runs inside the pipeline that asked, so the session state is reached through a
        // nested command in the current runspace (the SessionStateProxy refuses concurrent calls).
        using var nested = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        return nested.AddCommand("Microsoft.PowerShell.Management\\Resolve-Path").AddParameter("LiteralPath", path)
            .Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? path;
    }

    /// <summary>The table the first element of the command's pipeline names, when the command is not that element.</summary>
    private static string? FromPipeline(CommandAst commandAst)
    {
        if (commandAst.Parent is not PipelineAst pipeline || pipeline.PipelineElements.Count < 2 ||
            ReferenceEquals(pipeline.PipelineElements[0], commandAst))
        {
            return null;
        }
        return pipeline.PipelineElements[0] switch
        {
            CommandExpressionAst expression => TableArgumentAttribute.PathOf(ValueOf(expression.Expression)),
            CommandAst first => TableArgumentAttribute.PathOf(ValueOf(TableArgument(first))),
            _ => null,
        };
    }

    /// <summary>A command's -Table/-Path argument, or its first positional argument.</summary>
    private static Ast? TableArgument(CommandAst command)
    {
        var elements = command.CommandElements;
        for (var i = 1; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst parameter)
            {
                var isTable = s_tableParameters.Any(name => name.StartsWith(parameter.ParameterName, StringComparison.OrdinalIgnoreCase));
                var argument = parameter.Argument ?? (i + 1 < elements.Count && elements[i + 1] is not CommandParameterAst ? elements[i + 1] : null);
                if (isTable)
                {
                    return argument;
                }
                if (parameter.Argument is null && argument is not null)
                {
                    i++; // a value of another parameter, not a positional one (a switch's would be misread; rare here)
                }
                continue;
            }
            return elements[i];
        }
        return null;
    }

    /// <summary>The value a simple argument stands for: a string, or the value of a variable; null for anything that would need running.</summary>
    private static object? ValueOf(Ast? ast)
    {
        switch (ast)
        {
            case StringConstantExpressionAst constant:
                return constant.Value;
            case ExpandableStringExpressionAst expandable when expandable.NestedExpressions.Count == 0:
                return expandable.Value;
            case VariableExpressionAst variable when variable.VariablePath.IsUnqualified || variable.VariablePath.IsVariable:
                using (var nested = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    var value = nested.AddCommand("Microsoft.PowerShell.Utility\\Get-Variable")
                        .AddParameter("Name", variable.VariablePath.UserPath).AddParameter("ValueOnly")
                        .AddParameter("ErrorAction", "Ignore").Invoke().FirstOrDefault();
                    return value?.BaseObject is object[] array ? array.FirstOrDefault() : value;
                }
            default:
                return null;
        }
    }
}
