using Apache.Arrow;
using Geneva.Core.Udfs;

namespace Geneva.TestUdfs;

/// <summary>Unicode character count of utf8 values, computed from the offsets and bytes (no strings).</summary>
[GenevaUdf("int32", Name = "strlen", InputColumns = ["text"])]
public sealed class StringLength : IBatchUdf
{
    public IArrowArray Apply(RecordBatch input)
    {
        var text = (StringArray)input.Column(0);
        var builder = new Int32Array.Builder();
        builder.Reserve(text.Length);
        var bytes = text.ValueBuffer.Span;
        var offsets = text.ValueOffsets;
        for (var i = 0; i < text.Length; i++)
        {
            if (text.IsNull(i))
            {
                builder.AppendNull();
                continue;
            }
            var count = 0;
            for (var b = offsets[i]; b < offsets[i + 1]; b++)
            {
                count += (bytes[b] & 0xC0) != 0x80 ? 1 : 0;
            }
            builder.Append(count);
        }
        return builder.Build();
    }
}

/// <summary>A typed scalar UDF: input columns come from the parameter names.</summary>
[GenevaUdf("int32")]
public sealed class WordCount
{
    public int Apply(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>Vowels in text, counted by a private dependency (Geneva.TestUdfs.Helpers) that sits beside this assembly.</summary>
[GenevaUdf("int32", InputColumns = ["text"])]
public sealed class VowelCount : IScalarUdf
{
    public object? Apply(object?[] args) => args[0] is string text ? Helpers.Vowels.Count(text) : null;
}

/// <summary>Upper-cases text; stateless, for tests that need a utf8 UDF without CountingUpper's shared counters.</summary>
[GenevaUdf("utf8", InputColumns = ["text"])]
public sealed class Upper : IScalarUdf
{
    public object? Apply(object?[] args) => ((string?)args[0])?.ToUpperInvariant();
}

/// <summary>
/// Stateful: counts setups and calls in static counters so tests can see them. Only
/// BackfillCoordinatorTests may run it: test classes run in parallel, and its counters are shared.
/// </summary>
[GenevaUdf("utf8", InputColumns = ["text"])]
public sealed class CountingUpper : IScalarUdf, IStatefulUdf, IDisposable
{
    public static int Setups;
    public static int Calls;
    public static int Disposals;
    private bool _ready;

    public void Setup()
    {
        Interlocked.Increment(ref Setups);
        _ready = true;
    }

    public object? Apply(object?[] args)
    {
        if (!_ready)
        {
            throw new InvalidOperationException("Setup was not called.");
        }
        Interlocked.Increment(ref Calls);
        return ((string?)args[0])?.ToUpperInvariant();
    }

    public void Dispose() => Interlocked.Increment(ref Disposals);
}

/// <summary>Throws for the value "boom"; otherwise returns the id doubled.</summary>
[GenevaUdf("int64", InputColumns = ["id", "text"])]
public sealed class FailOnBoom : IScalarUdf
{
    // Tests look for this frame in the failure's stack trace; dynamic PGO may otherwise inline it into the caller.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public object? Apply(object?[] args) =>
        (string?)args[1] == "boom" ? throw new InvalidOperationException("boom row") : (long)args[0]! * 2;
}

/// <summary>A batch UDF that throws when any row in its batch is "boom": Skip must bisect to that row.</summary>
[GenevaUdf("int32", InputColumns = ["text"], OnError = "Skip")]
public sealed class BatchFailOnBoom : IBatchUdf
{
    public IArrowArray Apply(RecordBatch input)
    {
        var text = (StringArray)input.Column(0);
        var builder = new Int32Array.Builder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text.GetString(i) == "boom")
            {
                throw new InvalidOperationException("boom in batch");
            }
            builder.Append(text.GetString(i)?.Length ?? 0);
        }
        return builder.Build();
    }
}

/// <summary>Fails its first two calls with an IOException (transient), then works.</summary>
[GenevaUdf("int32", InputColumns = ["text"], OnError = "RetryTransient")]
public sealed class Flaky : IBatchUdf
{
    public static int Calls;

    public IArrowArray Apply(RecordBatch input)
    {
        if (Interlocked.Increment(ref Calls) <= 2)
        {
            throw new IOException("transient");
        }
        return new StringLength().Apply(input);
    }
}

/// <summary>Declares int32 but returns int64: must be rejected.</summary>
[GenevaUdf("int32", InputColumns = ["id"])]
public sealed class WrongType : IBatchUdf
{
    public IArrowArray Apply(RecordBatch input) => input.Column(0);
}

/// <summary>Returns one value too few.</summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class WrongLength : IBatchUdf
{
    public IArrowArray Apply(RecordBatch input) =>
        new Int64Array.Builder().AppendRange(Enumerable.Range(0, Math.Max(0, input.Length - 1)).Select(i => (long)i)).Build();
}

/// <summary>Ends its whole process on the value "poison", as a native crash or an OOM kill would.</summary>
[GenevaUdf("int32", InputColumns = ["text"])]
public sealed class ExitOnPoison : IScalarUdf
{
    public object? Apply(object?[] args)
    {
        if ((string?)args[0] == "poison")
        {
            Environment.Exit(3);
        }
        return ((string?)args[0])?.Length;
    }
}

/// <summary>Sleeps per row: an I/O-bound UDF for concurrency tests and benchmarks.</summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class SleepyDouble : IScalarUdf
{
    public object? Apply(object?[] args)
    {
        Thread.Sleep(int.TryParse(Environment.GetEnvironmentVariable("GENEVA_TEST_SLEEP_MS"), out var ms) ? ms : 2);
        return (long)args[0]! * 2;
    }
}

/// <summary>
/// SleepyDouble that also appends each row's id to GENEVA_TEST_CALL_LOG/&lt;pid&gt;.log, one file per worker process:
/// the cluster tests count how often each row ran.
/// </summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class LoggedSleepyDouble : IScalarUdf
{
    private static readonly object s_lock = new();

    public object? Apply(object?[] args)
    {
        Thread.Sleep(int.TryParse(Environment.GetEnvironmentVariable("GENEVA_TEST_SLEEP_MS"), out var ms) ? ms : 2);
        if (Environment.GetEnvironmentVariable("GENEVA_TEST_CALL_LOG") is { Length: > 0 } folder)
        {
            lock (s_lock)
            {
                File.AppendAllText(Path.Combine(folder, $"{Environment.ProcessId}.log"), $"{args[0]}\n");
            }
        }
        return (long)args[0]! * 2;
    }
}

/// <summary>
/// Burns CPU per row (GENEVA_TEST_SPIN_ROUNDS rounds of xorshift seeded by the id, default 20,000):
/// a CPU-bound UDF for worker scaling benchmarks. Deterministic, so results can be checked.
/// </summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class SpinHash : IScalarUdf
{
    private static readonly int s_rounds =
        int.TryParse(Environment.GetEnvironmentVariable("GENEVA_TEST_SPIN_ROUNDS"), out var r) ? r : 20_000;

    public object? Apply(object?[] args) => Hash((long)args[0]!, s_rounds);

    public static long Hash(long id, int rounds)
    {
        var x = (ulong)id | 1;
        for (var i = 0; i < rounds; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return (long)(x >> 1);
    }
}

/// <summary>Never returns on the value "hang", as a UDF stuck on a dead connection would.</summary>
[GenevaUdf("int32", InputColumns = ["text"])]
public sealed class HangOnPoison : IScalarUdf
{
    public object? Apply(object?[] args)
    {
        if ((string?)args[0] == "hang")
        {
            Thread.Sleep(Timeout.Infinite);
        }
        return ((string?)args[0])?.Length;
    }
}

/// <summary>Throws an exception with an inner one, to check that both reach the caller.</summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class FailWithInner : IScalarUdf
{
    public object? Apply(object?[] args) =>
        throw new ApplicationException("outer failure", new FileNotFoundException("no such file"));
}

/// <summary>
/// Writes to the console as careless UDF code does: a dot per row without a newline, a line now
/// and then on stdout and stderr, and a line that looks like a worker protocol message. Returns id * 2.
/// </summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed class ConsoleChatter : IScalarUdf
{
    public object? Apply(object?[] args)
    {
        var id = (long)args[0]!;
        Console.Write('.');
        if (id % 100 == 5)
        {
            Console.WriteLine($"chatter {id}");
            Console.Error.WriteLine($"complaint {id}");
            Console.Out.WriteLine("{\"type\":\"done\",\"taskNumber\":1}");
            Console.Out.Flush();
        }
        return id * 2;
    }
}

/// <summary>Throws for the value "boom" until a test sets <see cref="Fixed"/>: a failure that a later retry gets past.</summary>
[GenevaUdf("int64", InputColumns = ["id", "text"], OnError = "Skip")]
public sealed class BoomUntilFixed : IScalarUdf
{
    public static volatile bool Fixed;

    public object? Apply(object?[] args) =>
        !Fixed && (string?)args[1] == "boom" ? throw new InvalidOperationException("boom row") : (long)args[0]! * 2;
}

/// <summary>
/// Returns a fixed tag per row. Tests make a second build of this assembly by patching the tag's
/// text in a copy ("variant-A" to "variant-B"), as a rebuild with new behaviour at the same path.
/// </summary>
[GenevaUdf("utf8", InputColumns = ["id"])]
public sealed class VariantTag : IScalarUdf
{
    public object? Apply(object?[] args) => "variant-A";
}

/// <summary>
/// Writes a fake protocol line straight to file descriptor 1 with libc's write(2), as a native
/// library that prints would (Unix; elsewhere it only returns). Returns id * 2.
/// </summary>
[GenevaUdf("int64", InputColumns = ["id"])]
public sealed partial class NativeChatter : IScalarUdf
{
    private static readonly byte[] s_line = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"done\",\"taskNumber\":1}\nnative chatter\n");

    public object? Apply(object?[] args)
    {
        if (!OperatingSystem.IsWindows())
        {
            write(1, s_line, s_line.Length);
        }
        return (long)args[0]! * 2;
    }

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial nint write(int fd, byte[] buffer, nint count);
}

/// <summary>Returns null for "quiet" rows and throws for "boom" rows until a test sets <see cref="Fixed"/>; else id * 2.</summary>
[GenevaUdf("int64", InputColumns = ["id", "text"], OnError = "Skip")]
public sealed class QuietOrBoomUntilFixed : IScalarUdf
{
    public static volatile bool Fixed;

    public object? Apply(object?[] args) => (string?)args[1] switch
    {
        "quiet" => null,
        "boom" when !Fixed => throw new InvalidOperationException("boom row"),
        _ => (long)args[0]! * 2,
    };
}
