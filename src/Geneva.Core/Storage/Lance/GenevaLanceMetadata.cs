using System.Text;
using System.Text.Json;
using Geneva.Core.Udfs;
using Google.Protobuf;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// What Geneva keeps inside a Lance manifest, under keys LanceDB carries through its own commits: a bound
/// column's UDF and the provenance of its data files in the field's metadata (checked to survive LanceDB's
/// add, delete, addColumns and optimize), the table's id in the schema metadata, and the operation that made
/// a version in its transaction's properties.
/// </summary>
internal static class GenevaLanceMetadata
{
    public const string UdfKey = "geneva:udf";
    public const string ProvenanceKey = "geneva:provenance";
    public const string TableIdKey = "geneva:table_id";
    public const string OperationKey = "geneva:operation";
    public const string DetailKey = "geneva:detail";

    public static ByteString Encode<T>(T value) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, GenevaJson.Options));

    public static T Decode<T>(ByteString bytes, string what, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes.Span, GenevaJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"The {what} Geneva keeps in the Lance manifest '{source}' is corrupt: {e.Message}", source, e);
        }
    }

    public static UdfSpec? ReadUdf(Proto.Field field, string source) =>
        field.Metadata.TryGetValue(UdfKey, out var bytes) ? Decode<UdfSpec>(bytes, $"binding of column '{field.Name}'", source) : null;

    /// <summary>Data file path (as the manifest names it) to what computed it.</summary>
    public static Dictionary<string, ColumnProvenance> ReadProvenance(Proto.Field field, string source) =>
        field.Metadata.TryGetValue(ProvenanceKey, out var bytes)
            ? Decode<Dictionary<string, ColumnProvenance>>(bytes, $"provenance of column '{field.Name}'", source)
            : [];

    public static string? ReadTableId(Proto.Manifest manifest) =>
        manifest.SchemaMetadata.TryGetValue(TableIdKey, out var bytes) ? Encoding.UTF8.GetString(bytes.Span) : null;
}
