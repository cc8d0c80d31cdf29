using System.Collections;
using System.Management.Automation;
using Geneva.Core.Storage;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of column names from the table named by the command's -Table argument, or by the
/// pipeline's first command (<see cref="CompleterTable"/>). Backfill commands offer bound columns only.
/// </summary>
public sealed class ColumnNameCompleter : TableArgumentCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string tablePath, string commandName, string parameterName,
        string word, IDictionary fakeBoundParameters)
    {
        var table = GenevaTable.Open(tablePath);
        var bound = parameterName is "Column" && commandName.Contains("Backfill", StringComparison.OrdinalIgnoreCase);
        return table.Manifest.Fields
            .Where(f => !bound || table.Manifest.FindBinding(f.Name) is not null)
            .Where(f => f.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(f => new CompletionResult(Quote(f.Name), f.Name, CompletionResultType.ParameterValue, $"{f.Name} ({f.Type})"));
    }

    private static string Quote(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c == '_') ? name : $"'{name.Replace("'", "''")}'";
}
