using System.Text.Json.Serialization;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core;

/// <summary>
/// Compile-time JSON metadata for the records Geneva serializes on a backfill's start-up path (worker messages,
/// UDF specs, provenance): the reflection serializer JITs hundreds of generic methods on first use that ReadyToRun
/// cannot pregenerate. Its options are <see cref="GenevaJson.Options"/>'s, so the JSON is the same bytes.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(WorkerMessage))]
[JsonSerializable(typeof(UdfSpec))]
[JsonSerializable(typeof(ColumnProvenance))]
[JsonSerializable(typeof(Dictionary<string, ColumnProvenance>))]
internal sealed partial class GenevaJsonContext : JsonSerializerContext;
