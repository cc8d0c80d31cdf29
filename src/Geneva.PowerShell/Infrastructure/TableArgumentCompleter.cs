using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// A completer that answers from the table the command names (<see cref="CompleterTable"/>): finds the table,
/// strips the typed word's quotes, and never lets an error reach the user's prompt.
/// </summary>
public abstract class TableArgumentCompleter : IArgumentCompleter
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
            return Complete(path, commandName, parameterName, wordToComplete.Trim('\'', '"'), fakeBoundParameters).ToList();
        }
        catch (Exception)
        {
            return []; // completion must never throw into the user's prompt
        }
    }

    /// <summary>The completions for <paramref name="word"/> (unquoted) from the table at <paramref name="tablePath"/>.</summary>
    protected abstract IEnumerable<CompletionResult> Complete(string tablePath, string commandName, string parameterName,
        string word, IDictionary fakeBoundParameters);
}
