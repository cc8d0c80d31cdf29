using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core.Storage;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Tab completion of column names from the table named by the command's -Table argument.</summary>
public sealed class ColumnNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        // Whatever -Table accepts: a path, a table object, a plan, a job record.
        var path = TableArgumentAttribute.PathOf(fakeBoundParameters["Table"]);
        if (path is null)
        {
            return [];
        }
        try
        {
            // A completer runs inside the pipeline that asked, so the session state is reached through a
            // nested command in the current runspace (the SessionStateProxy refuses concurrent calls).
            using var nested = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            var full = nested.AddCommand("Microsoft.PowerShell.Management\\Resolve-Path").AddParameter("LiteralPath", path)
                .Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? path;
            var table = GenevaTable.Open(full);
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
