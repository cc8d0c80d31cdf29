using System.Text;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// An exception thrown in a worker process, rebuilt in the coordinator from what the worker sent:
/// the original type's name, its message, its stack trace text and its inner exceptions, so an
/// error record shows where the UDF failed although the exception object stayed in the worker.
/// </summary>
public sealed class WorkerException : Exception
{
    private readonly string? _stackTrace;

    public WorkerException(string typeName, string message, string? stackTrace, Exception? inner = null)
        : base(message, inner)
    {
        TypeName = typeName;
        _stackTrace = stackTrace;
    }

    /// <summary>The full name of the exception's type in the worker (for example System.IO.IOException).</summary>
    public string TypeName { get; }

    /// <summary>The stack trace as the worker printed it.</summary>
    public override string? StackTrace => _stackTrace;

    /// <summary>Like <see cref="Exception.ToString"/> of the original: type, message, inner exceptions, stack.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(TypeName).Append(": ").Append(Message);
        if (InnerException is not null)
        {
            text.Append(" ---> ").Append(InnerException).AppendLine().Append("   --- End of inner exception stack trace ---");
        }
        if (!string.IsNullOrEmpty(_stackTrace))
        {
            text.AppendLine().Append(_stackTrace);
        }
        return text.ToString();
    }
}
