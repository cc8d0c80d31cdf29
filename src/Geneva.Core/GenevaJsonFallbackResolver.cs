using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Geneva.Core;

/// <summary>
/// Reflection metadata for a concrete type the generated contexts lack (a value's runtime type under <c>object</c>).
/// Not for interfaces, <see cref="object"/> or <see cref="ValueType"/>: the serializer asks for those only to look for
/// polymorphism settings on a type's ancestors (none in the BCL), and answering them builds the whole reflection
/// serializer, hundreds of JIT'd methods in a fresh worker.
/// </summary>
internal sealed class GenevaJsonFallbackResolver : IJsonTypeInfoResolver
{
    private readonly DefaultJsonTypeInfoResolver _reflection = new();

    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
        type.IsInterface || type == typeof(object) || type == typeof(ValueType) ? null : _reflection.GetTypeInfo(type, options);
}
