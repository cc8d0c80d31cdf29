using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core.Arrow;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>Completes Arrow type names for -OutputType.</summary>
public sealed class ArrowTypeCompleter : IArgumentCompleter
{
    private static readonly string[] s_names = [.. ArrowTypeNames.ScalarNames, "list<float32>", "fixed_size_list<float32>[384]"];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        s_names.Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains('<') || n.Contains('[') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n));
}
