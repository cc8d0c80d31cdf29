using System.Text;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// What a worker puts in place of Console.Out and Console.Error, so that UDF code that writes to
/// the console never writes into the protocol stream: it cuts the text into lines and hands each
/// to <c>send</c> (the worker sends it as a <see cref="WorkerMessage.Output"/> message). Text without
/// a newline is sent when it reaches <see cref="MaxLineLength"/> or when the task ends (<see cref="Flush"/>).
/// </summary>
internal sealed class ConsoleOutputForwarder(Action<string> send) : TextWriter
{
    /// <summary>A longer run of text without a newline is sent in pieces of this size.</summary>
    public const int MaxLineLength = 4096;

    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_line)
        {
            for (var i = index; i < index + count; i++)
            {
                Append(buffer[i]);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }
        lock (_line)
        {
            foreach (var c in value)
            {
                Append(c);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            _line.Append(value);
            SendLine();
        }
    }

    /// <summary>Sends the text written since the last newline, if any.</summary>
    public override void Flush()
    {
        lock (_line)
        {
            if (_line.Length > 0)
            {
                SendLine();
            }
        }
    }

    private void Append(char c)
    {
        if (c == '\n')
        {
            SendLine();
            return;
        }
        _line.Append(c);
        if (_line.Length >= MaxLineLength)
        {
            SendLine();
        }
    }

    private void SendLine()
    {
        var text = _line.ToString().TrimEnd('\r');
        _line.Clear();
        send(text);
    }
}
