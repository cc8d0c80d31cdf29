using System.Reflection.Metadata;

namespace Geneva.Core.Udfs;

/// <summary>Decodes custom attribute arguments by type name, enough for <see cref="GenevaUdfAttribute"/>'s strings, numbers and string arrays.</summary>
internal sealed class AttributeTypeNameProvider : ICustomAttributeTypeProvider<string>
{
    public static readonly AttributeTypeNameProvider Instance = new();

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

    public string GetSystemType() => "System.Type";

    public string GetSZArrayType(string elementType) => elementType + "[]";

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        reader.GetString(reader.GetTypeDefinition(handle).Name);

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        reader.GetString(reader.GetTypeReference(handle).Name);

    public string GetTypeFromSerializedName(string name) => name;

    // Enum arguments do not occur in GenevaUdfAttribute; read any as a 32-bit integer.
    public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

    public bool IsSystemType(string type) => type == "System.Type";
}
