using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Geneva.Core;

/// <summary>The serializer's default JSON (hashed definitions, fragment keys, stored requests), from generated metadata where there is some.</summary>
internal static class GenevaJsonCanonical
{
    // Default options; an element type the context lacks (an unusual IReadOnlyList) falls back to reflection.
    public static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(GenevaJsonCanonicalContext.Default, new GenevaJsonFallbackResolver()),
    };
}
