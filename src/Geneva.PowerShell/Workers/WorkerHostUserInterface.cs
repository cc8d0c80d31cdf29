using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// The UI of a scriptblock worker's runspaces: what a scriptblock shows (Write-Host, warnings,
/// verbose and debug lines it asked for) goes to Console.Out, which the worker forwards to the job as
/// worker output. A worker has nobody to ask, so prompts fail.
/// </summary>
internal sealed class WorkerHostUserInterface : PSHostUserInterface
{
    public override PSHostRawUserInterface? RawUI => null;

    public override void Write(string value) => Console.Out.Write(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(value);

    public override void WriteLine(string value) => Console.Out.WriteLine(value);

    public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);

    public override void WriteDebugLine(string message) => Console.Out.WriteLine("DEBUG: " + message);

    public override void WriteVerboseLine(string message) => Console.Out.WriteLine("VERBOSE: " + message);

    public override void WriteWarningLine(string message) => Console.Out.WriteLine("WARNING: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
    }

    public override string ReadLine() => throw NoPrompt();

    public override SecureString ReadLineAsSecureString() => throw NoPrompt();

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw NoPrompt();

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw NoPrompt();

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
        throw NoPrompt();

    private static PSInvalidOperationException NoPrompt() =>
        new("A UDF runs in a worker process, which cannot prompt: read input from columns, not from the console.");
}
