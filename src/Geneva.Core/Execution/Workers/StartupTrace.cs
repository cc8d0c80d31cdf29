using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Start-up marks for bench/startup.ps1: with the environment variable GENEVA_TRACE naming a file,
/// the session and its workers (which inherit the variable) append one line per mark:
/// <c>&lt;monotonic timestamp&gt; &lt;pid&gt; &lt;mark&gt; &lt;JIT ms so far&gt; &lt;methods JIT'd so far&gt;</c>.
/// Off (the variable unset), a mark is one test of a static field.
/// </summary>
public static class StartupTrace
{
    private static readonly string? s_path = NullIfEmpty(Environment.GetEnvironmentVariable("GENEVA_TRACE"));
    private static readonly Lock s_gate = new();

    public static bool Enabled => s_path is not null;

    public static void Mark(string what)
    {
        if (s_path is not null)
        {
            Write(s_path, what);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Write(string path, string what)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Stopwatch.GetTimestamp()} {Environment.ProcessId} {what} {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} " +
            $"{System.Runtime.JitInfo.GetCompiledMethodCount()}\n");
        lock (s_gate)
        {
            try
            {
                File.AppendAllText(path, line);
            }
            catch (IOException)
            {
                // A trace never fails the work it traces.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
