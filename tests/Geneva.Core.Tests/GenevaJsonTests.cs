using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>The generated JSON metadata writes the same bytes the reflection serializer wrote (stored UDFs, provenance, the worker protocol).</summary>
public class GenevaJsonTests
{
    // GenevaJson.Options as it was before the generated context: reflection only.
    private static readonly JsonSerializerOptions s_reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static UdfSpec Udf() => new()
    {
        Name = "tlen", Kind = UdfKind.DotNet, Source = "/x/Udfs.dll", TypeName = "Udfs.Length", ModuleAssembly = "Udfs",
        SourceHash = "0123456789abcdef0123", InputColumns = ["text", "id"], OutputType = "int32", Batched = true,
        Version = "v1", CheckpointSize = 100, MinCheckpointSize = 10, MaxCheckpointSize = 1000, NumCpus = 0.5,
        NumGpus = 1, Memory = 1L << 30, Device = "cuda:0", BatchSize = 64,
        OnError = new ErrorPolicy
        {
            Name = "Custom", MaxSkipCount = 5, MaxSkipFraction = 0.25,
            Rules = [new ErrorRule { ExceptionType = "System.IO.IOException", MessagePattern = "disk.*", Action = ErrorAction.Retry, Backoff = RetryBackoff.Exponential }],
        },
    };

    private static RowError Error() => new("job1", 3, 17, 2, "System.FormatException", "bad \"value\" é", "Skip",
        new DateTimeOffset(2026, 12, 1, 23, 5, 6, 789, TimeSpan.Zero), "key-17");

    public static TheoryData<string> Messages => new() { "task", "receipt", "failed", "output", "hello" };

    private static WorkerMessage Message(string type) => type switch
    {
        "task" => new WorkerMessage
        {
            Type = WorkerMessage.Task, TaskNumber = 7,
            Spec = new TaskSpec("job1", "/t/x.lance", 12, "tlen", Udf(), "id > 3", 3, FragmentMode.Filter, "3:0", 0, 1000) { ProbeRows = [1, 5] },
            Sizing = new CheckpointSizing(16, 4096, 2.5),
        },
        "receipt" => new WorkerMessage
        {
            Type = WorkerMessage.Receipt, TaskNumber = 7, Worker = "host:42",
            CheckpointReceipt = new CheckpointReceipt("3:0", 3, 0, 1000, 256, "ck/a.arrow", 12345, "abc123", 999, 0.125, 0.0625,
                [Error()], "host:42", "cpu", 64, 998, [1, 2, 255]),
        },
        "failed" => new WorkerMessage
        {
            Type = WorkerMessage.Failed, TaskNumber = 8, ErrorCode = "UdfFailed", Message = "it broke", Errors = [Error()],
            Exception = new WorkerExceptionInfo
            {
                TypeName = "System.InvalidOperationException", Message = "outer", StackTrace = "  at X()",
                Inner = new WorkerExceptionInfo { TypeName = "System.Exception", Message = "inner" },
            },
        },
        "output" => new WorkerMessage { Type = WorkerMessage.Output, Stream = "stderr", Message = "line\twith <html> & \u2028" },
        _ => new WorkerMessage { Type = WorkerMessage.Hello, Worker = "host:42" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void ToLine_WorkerMessage_SameJsonAsReflection(string type)
    {
        var message = Message(type);

        var line = message.ToLine();

        Assert.Equal(JsonSerializer.Serialize(message, s_reflection), line);
        Assert.Equal(line, WorkerMessage.TryParse(line)!.ToLine());
    }

    [Fact]
    public void Serialize_UdfSpec_SameJsonAsReflection()
    {
        var udf = Udf();

        var json = JsonSerializer.Serialize(udf, GenevaJson.Options);

        Assert.Equal(JsonSerializer.Serialize(udf, s_reflection), json);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<UdfSpec>(json, s_reflection), GenevaJson.Options));
        Assert.Equal(udf.EffectiveVersion, JsonSerializer.Deserialize<UdfSpec>(json, GenevaJson.Options)!.EffectiveVersion);
    }

    [Fact]
    public void Encode_Provenance_SameBytesAsReflection()
    {
        var provenance = new Dictionary<string, ColumnProvenance>
        {
            ["data/a.lance"] = new("v1+0123abcd", ["data/in.lance"]) { Complete = true, Filters = [new CoveredFilter("id > 3", ["data/in.lance"])] },
            ["data/b.lance"] = new(ColumnProvenance.Mixed, []),
        };

        var bytes = Storage.Lance.GenevaLanceMetadata.Encode(provenance);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(provenance, s_reflection), bytes.ToByteArray());
    }

    [Fact]
    public void Options_WorkerMessage_ResolvedByGeneratedContext()
    {
        var info = GenevaJson.Options.GetTypeInfo(typeof(WorkerMessage));

        Assert.Same(GenevaJsonContext.Default, info.OriginatingResolver);
    }
    public static TheoryData<string> CanonicalValues => new() { "definition", "fragment-key", "request" };

    private static object Canonical(string what) => what switch
    {
        // UdfSpec.DefinitionHash's and BackfillPlanner's fragment key's arrays, with the runtime types they see.
        "definition" => new object?[] { UdfKind.Expression, "length(text)", null, new[] { "text" }, "int32", true },
        "fragment-key" => new object?[] { "tid", 3, 7, "v1+0123abcd", FragmentMode.Filter.ToString(), "id > \"é\"",
            new List<string> { "data/a.lance" }, Array.Empty<string>(), Udf().InputColumns, "job1" },
        _ => new BackfillRequest { Column = "tlen", Where = "id > 3", NumFrags = 2, CheckpointSize = 100, RetryErrors = true },
    };

    [Theory]
    [MemberData(nameof(CanonicalValues))]
    public void Serialize_CanonicalValue_SameJsonAsDefaultSerializer(string what)
    {
        var value = Canonical(what);

        var json = JsonSerializer.Serialize(value, value.GetType(), GenevaJsonCanonical.Options);

        Assert.Equal(JsonSerializer.Serialize(value, value.GetType()), json);
    }

    [Fact]
    public void DefinitionHash_Expression_SameAsBeforeGeneratedMetadata()
    {
        var udf = new UdfSpec { Name = "tlen", Kind = UdfKind.Expression, Source = "length(text)", InputColumns = ["text"], OutputType = "int32", Batched = true };

        // The hash stored in existing tables' provenance: SHA-256 of the default serializer's array.
        var json = JsonSerializer.Serialize(new object?[] { udf.Kind, udf.Source, udf.TypeName, udf.InputColumns, udf.OutputType, udf.Batched });
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))[..16];

        Assert.Equal(expected, udf.DefinitionHash);
    }
}
