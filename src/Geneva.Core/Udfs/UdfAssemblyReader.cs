using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Geneva.Core.Udfs;

/// <summary>
/// Reads the UDF classes of an assembly file from its metadata (System.Reflection.Metadata), so a
/// session describes a UDF without loading its assembly: a rebuilt file is read afresh each time and
/// the session never holds (or locks) a copy. Only worker processes load UDF code (<see cref="UdfAssemblies"/>).
/// </summary>
internal static class UdfAssemblyReader
{
    private const string CoreNamespace = "Geneva.Core.Udfs";

    /// <summary>The public classes with [GenevaUdf] in the assembly at <paramref name="path"/>.</summary>
    public static List<UdfClassMetadata> ReadUdfClasses(string path)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            var metadata = pe.GetMetadataReader();
            var classes = new List<UdfClassMetadata>();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var type = metadata.GetTypeDefinition(handle);
                if (!IsVisible(metadata, type) || Attribute(metadata, type) is not { } attribute)
                {
                    continue;
                }
                classes.Add(Describe(metadata, type, attribute));
            }
            return classes;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"'{path}' is not a loadable .NET assembly: {e.Message}", path, e);
        }
    }

    private static UdfClassMetadata Describe(MetadataReader metadata, TypeDefinition type, CustomAttributeValue<string> attribute)
    {
        var named = attribute.NamedArguments.ToDictionary(a => a.Name ?? "", a => a.Value, StringComparer.Ordinal);
        var interfaces = Interfaces(metadata, type).ToHashSet(StringComparer.Ordinal);
        var batched = interfaces.Contains($"{CoreNamespace}.{nameof(IBatchUdf)}");
        var scalar = interfaces.Contains($"{CoreNamespace}.{nameof(IScalarUdf)}");
        return new UdfClassMetadata
        {
            FullName = FullName(metadata, type),
            Name = metadata.GetString(type.Name),
            OutputType = attribute.FixedArguments.Length > 0 ? attribute.FixedArguments[0].Value as string ?? "" : "",
            UdfName = named.GetValueOrDefault(nameof(GenevaUdfAttribute.Name)) as string,
            InputColumns = named.GetValueOrDefault(nameof(GenevaUdfAttribute.InputColumns)) is ImmutableArray<CustomAttributeTypedArgument<string>> columns
                ? columns.Select(c => (string)c.Value!).ToList()
                : null,
            Version = named.GetValueOrDefault(nameof(GenevaUdfAttribute.Version)) as string,
            CheckpointSize = named.GetValueOrDefault(nameof(GenevaUdfAttribute.CheckpointSize)) as int? ?? 0,
            MinCheckpointSize = named.GetValueOrDefault(nameof(GenevaUdfAttribute.MinCheckpointSize)) as int? ?? 0,
            MaxCheckpointSize = named.GetValueOrDefault(nameof(GenevaUdfAttribute.MaxCheckpointSize)) as int? ?? 0,
            NumCpus = named.GetValueOrDefault(nameof(GenevaUdfAttribute.NumCpus)) as double? ?? 1,
            NumGpus = named.GetValueOrDefault(nameof(GenevaUdfAttribute.NumGpus)) as double? ?? 0,
            OnError = named.GetValueOrDefault(nameof(GenevaUdfAttribute.OnError)) as string ?? "Fail",
            Batched = batched,
            Scalar = scalar,
            ApplyParameters = batched || scalar ? null : TypedApplyParameters(metadata, type),
        };
    }

    private static CustomAttributeValue<string>? Attribute(MetadataReader metadata, TypeDefinition type)
    {
        foreach (var handle in type.GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            var (ns, name) = AttributeType(metadata, attribute);
            if (ns == CoreNamespace && name == nameof(GenevaUdfAttribute))
            {
                return attribute.DecodeValue(AttributeTypeNameProvider.Instance);
            }
        }
        return null;
    }

    private static (string? Namespace, string? Name) AttributeType(MetadataReader metadata, CustomAttribute attribute)
    {
        EntityHandle parent = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return parent.Kind switch
        {
            HandleKind.TypeReference => metadata.GetTypeReference((TypeReferenceHandle)parent) is var r
                ? (metadata.GetString(r.Namespace), metadata.GetString(r.Name))
                : default,
            HandleKind.TypeDefinition => metadata.GetTypeDefinition((TypeDefinitionHandle)parent) is var d
                ? (metadata.GetString(d.Namespace), metadata.GetString(d.Name))
                : default,
            _ => default,
        };
    }

    /// <summary>Interfaces the class implements, its base classes in the same assembly included.</summary>
    private static IEnumerable<string> Interfaces(MetadataReader metadata, TypeDefinition type)
    {
        for (var depth = 0; depth < 32; depth++)
        {
            foreach (var handle in type.GetInterfaceImplementations())
            {
                if (TypeName(metadata, metadata.GetInterfaceImplementation(handle).Interface) is { } name)
                {
                    yield return name;
                }
            }
            if (type.BaseType.Kind != HandleKind.TypeDefinition)
            {
                yield break;
            }
            type = metadata.GetTypeDefinition((TypeDefinitionHandle)type.BaseType);
        }
    }

    private static string? TypeName(MetadataReader metadata, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => metadata.GetTypeReference((TypeReferenceHandle)handle) is var r
            ? $"{metadata.GetString(r.Namespace)}.{metadata.GetString(r.Name)}"
            : null,
        HandleKind.TypeDefinition => FullName(metadata, metadata.GetTypeDefinition((TypeDefinitionHandle)handle)),
        _ => null,
    };

    private static IReadOnlyList<string>? TypedApplyParameters(MetadataReader metadata, TypeDefinition type)
    {
        var candidates = type.GetMethods().Select(metadata.GetMethodDefinition)
            .Where(m => metadata.GetString(m.Name) == "Apply"
                        && (m.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public
                        && (m.Attributes & MethodAttributes.Static) == 0
                        && !ReturnsVoid(metadata, m))
            .ToList();
        if (candidates.Count != 1)
        {
            return null;
        }
        return candidates[0].GetParameters().Select(metadata.GetParameter)
            .Where(p => p.SequenceNumber > 0)
            .OrderBy(p => p.SequenceNumber)
            .Select(p => metadata.GetString(p.Name))
            .ToList();
    }

    private static bool ReturnsVoid(MetadataReader metadata, MethodDefinition method)
    {
        var signature = metadata.GetBlobReader(method.Signature);
        var header = signature.ReadSignatureHeader();
        if (header.IsGeneric)
        {
            signature.ReadCompressedInteger();
        }
        signature.ReadCompressedInteger(); // parameter count
        return signature.ReadSignatureTypeCode() == SignatureTypeCode.Void;
    }

    private static bool IsVisible(MetadataReader metadata, TypeDefinition type)
    {
        for (var depth = 0; depth < 32; depth++)
        {
            var visibility = type.Attributes & TypeAttributes.VisibilityMask;
            if (visibility == TypeAttributes.Public)
            {
                return true;
            }
            if (visibility != TypeAttributes.NestedPublic)
            {
                return false;
            }
            type = metadata.GetTypeDefinition(type.GetDeclaringType());
        }
        return false;
    }

    private static string FullName(MetadataReader metadata, TypeDefinition type)
    {
        var name = metadata.GetString(type.Name);
        if (type.GetDeclaringType() is { IsNil: false } outer)
        {
            return FullName(metadata, metadata.GetTypeDefinition(outer)) + "+" + name;
        }
        var ns = metadata.GetString(type.Namespace);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }
}
