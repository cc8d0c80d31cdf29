using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core.Storage;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of column names from the table named by the command's -Table argument, or by the
/// pipeline's first command (<see cref="CompleterTable"/>). Backfill commands offer bound columns only.
/// </summary>
public sealed class ColumnNameCompleter : IArgumentCompleter
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
            var table = GenevaTable.Open(path);
            var bound = parameterName is "Column" && commandName.Contains("Backfill", StringComparison.OrdinalIgnoreCase);
            return table.Manifest.Fields
                .Where(f => !bound || table.Manifest.FindBinding(f.Name) is not null)
                .Where(f => f.Name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
                .Select(f => new CompletionResult(Quote(f.Name), f.Name, CompletionResultType.ParameterValue, $"{f.Name} ({f.Type})"))
                .ToList();
        }
        catch (Exception)
        {
            return []; // completion must never throw into the user's prompt
        }
    }

    private static string Quote(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c == '_') ? name : $"'{name.Replace("'", "''")}'";
}
