using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Completes the names of registered PSResourceGet repositories (Get-PSResourceRepository).</summary>
public sealed class RepositoryNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        var names = ps.AddCommand("Get-PSResourceRepository").AddParameter("ErrorAction", "Ignore").Invoke()
            .Select(r => r.Properties["Name"]?.Value as string).OfType<string>();
        var prefix = wordToComplete.Trim('\'', '"');
        return names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n))
            .ToList();
    }
}
