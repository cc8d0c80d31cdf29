using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Geneva.Core;

/// <summary>The JSON form of Geneva's own records (UDF specs, provenance, worker messages): camelCase, enums by name, nulls left out.</summary>
internal static class GenevaJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        // The generated metadata first (no reflection JIT at start-up); reflection for any other type.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(GenevaJsonContext.Default, new GenevaJsonFallbackResolver()),
    };
}
