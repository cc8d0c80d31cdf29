using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core.Storage;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Tab completion of -Version from the table's version history, newest first, each with what its commit did.</summary>
public sealed class TableVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (CompleterTable.PathOf(commandAst, fakeBoundParameters) is not { } path)
            {
                return [];
            }
            return GenevaTable.Open(path).ListVersions()
                .Select(v => (Info: v, Text: v.Version.ToString(CultureInfo.InvariantCulture)))
                .Where(v => v.Text.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.Ordinal))
                .Reverse()
                .Select(v => new CompletionResult(v.Text, $"{v.Text} {v.Info.Operation}", CompletionResultType.ParameterValue,
                    $"{v.Text}: {v.Info.Operation}{(v.Info.Detail is { } d ? $" ({d})" : "")}, {v.Info.RowCount:N0} rows, {v.Info.Timestamp.ToLocalTime():g}"))
                .ToList();
        }
        catch (Exception)
        {
            return []; // completion must never throw into the user's prompt
        }
    }
}
