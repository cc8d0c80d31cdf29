using System.Collections;
using System.Globalization;
using System.Management.Automation;
using Geneva.Core.Storage;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Tab completion of -Version from the table's version history, newest first, each with what its commit did.</summary>
public sealed class TableVersionCompleter : TableArgumentCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string tablePath, string commandName, string parameterName,
        string word, IDictionary fakeBoundParameters) =>
        GenevaTable.Open(tablePath).ListVersions()
            .Select(v => (Info: v, Text: v.Version.ToString(CultureInfo.InvariantCulture)))
            .Where(v => v.Text.StartsWith(word, StringComparison.Ordinal))
            .Reverse()
            .Select(v => new CompletionResult(v.Text, $"{v.Text} {v.Info.Operation}", CompletionResultType.ParameterValue,
                $"{v.Text}: {v.Info.Operation}{(v.Info.Detail is { } d ? $" ({d})" : "")}, {v.Info.RowCount:N0} rows, {v.Info.Timestamp.ToLocalTime():g}"));
}
