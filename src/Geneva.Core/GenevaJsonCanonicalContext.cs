using System.Text.Json.Serialization;
using Geneva.Core.Planning;

namespace Geneva.Core;

/// <summary>
/// Compile-time JSON metadata for what Geneva writes with the serializer's defaults (hashed definitions and
/// fragment keys, stored backfill requests), so a fresh process does not build the reflection serializer for them.
/// Default options: the same bytes as <c>JsonSerializer.Serialize(value)</c>.
/// </summary>
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(BackfillRequest))]
internal sealed partial class GenevaJsonCanonicalContext : JsonSerializerContext;
