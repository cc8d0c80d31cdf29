using System.Text.Json;
using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// One line of the worker protocol, JSON. To a worker: <c>task</c> (a <see cref="TaskSpec"/> and
/// sizing), <c>shutdown</c>. From a worker: <c>hello</c>, <c>receipt</c> (one durable checkpoint
/// file), <c>done</c> (a task finished), <c>failed</c> (a task failed: code, message, row errors, the exception), <c>output</c> (a line
/// UDF code wrote to the console: stream and text; never a protocol line), <c>notice</c> (something the worker side wants
/// the user told: a node lost, a task re-sent elsewhere), <c>heartbeat</c> (alive, though no task has news: a cluster's
/// dispatcher, which keeps its own per-task deadlines, says so, so the coordinator never takes it for hung).
/// Plain data only — no handles, pipes or process ids the other side must share — so the same
/// messages can travel to workers on other machines.
/// </summary>
public sealed record WorkerMessage
{
    public const string Task = "task";
    public const string Shutdown = "shutdown";
    public const string Hello = "hello";
    public const string Receipt = "receipt";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Output = "output";
    public const string Notice = "notice";
    public const string Heartbeat = "heartbeat";

    public required string Type { get; init; }

    /// <summary>The coordinator's number for one dispatch of a task; echoed in replies.</summary>
    public int TaskNumber { get; init; }

    public TaskSpec? Spec { get; init; }

    public CheckpointSizing? Sizing { get; init; }

    public CheckpointReceipt? CheckpointReceipt { get; init; }

    public string? ErrorCode { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<RowError>? Errors { get; init; }

    /// <summary>A failure's exception: type, message, stack and inner exceptions, rethrown by the coordinator.</summary>
    public WorkerExceptionInfo? Exception { get; init; }

    /// <summary>Output messages: the console stream UDF code wrote the line to, stdout or stderr.</summary>
    public string? Stream { get; init; }

    /// <summary>Who the worker is (host:pid), for logs and per-worker metrics.</summary>
    public string? Worker { get; init; }

    private static readonly JsonSerializerOptions s_json = new(GenevaJson.Options) { WriteIndented = false };

    public string ToLine() => JsonSerializer.Serialize(this, s_json);

    public static WorkerMessage? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null; // anything else a host prints (a pwsh banner, a warning) is not protocol
        }
        try
        {
            return JsonSerializer.Deserialize<WorkerMessage>(line, s_json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
