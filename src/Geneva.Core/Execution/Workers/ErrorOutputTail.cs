using System.Text;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// The last few KB a worker process wrote to its error output, for the message that reports its end. Bounded: a worker
/// that logs without end never grows it past 8 KB. Thread-safe (fed from the process's error-reading thread).
/// </summary>
public sealed class ErrorOutputTail
{
    private readonly StringBuilder _text = new();

    /// <summary>Feeds the process's error output, line by line; null (the end of the stream) is ignored.</summary>
    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_text)
        {
            _text.AppendLine(line);
            if (_text.Length > 8192)
            {
                _text.Remove(0, _text.Length - 4096);
            }
        }
    }

    /// <summary>"Its error output ended: ..." with the last 600 characters, or "" when it wrote nothing.</summary>
    public string Describe()
    {
        lock (_text)
        {
            var text = _text.ToString().Trim();
            return text.Length == 0 ? "" : "Its error output ended: " + text[Math.Max(0, text.Length - 600)..];
        }
    }
}
