using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Udfs;

/// <summary>
/// Makes the spec of a model UDF and checks what can be checked without libtorch: the files, one
/// input column, a float32 or fixed_size_list&lt;float32&gt;[D] output, the device name, and for a
/// TorchSharp module that its assembly defines the class (read as metadata, so the session never
/// loads TorchSharp). A model is a TorchScript file, or a TorchSharp module class plus a weights file.
/// The model's bytes are hashed, so a retrained model counts as a new UDF version.
/// </summary>
public static partial class ModelUdfDescriber
{
    /// <summary>Rows per forward pass when the UDF does not say.</summary>
    public const int DefaultBatchSize = 64;

    /// <param name="modelPath">A TorchScript file, or with <paramref name="moduleAssembly"/> the module's weights.</param>
    /// <param name="moduleAssembly">The .NET assembly that defines the TorchSharp module class <paramref name="typeName"/>.</param>
    public static UdfSpec Describe(string modelPath, string? name, IReadOnlyList<string>? inputColumns, string outputType,
        string? device, int? batchSize, string? moduleAssembly = null, string? typeName = null)
    {
        var full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"Model file '{full}' does not exist.", full);
        }
        var assembly = moduleAssembly is null ? null : Path.GetFullPath(moduleAssembly);
        if (assembly is null && typeName is not null)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"-TypeName '{typeName}' names a TorchSharp module class: give the assembly that defines it with -AssemblyPath.", typeName);
        }
        if (assembly is not null)
        {
            typeName = ModuleTypeName(assembly, typeName);
        }
        if (inputColumns is not { Count: 1 })
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                "A model UDF takes exactly one input column (-InputColumn): a numeric column, a fixed-size list or a list of numbers.", name);
        }
        var type = ArrowTypeNames.Parse(outputType);
        if (type is not (FloatType or FixedSizeListType { ValueDataType: FloatType }))
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"A model UDF outputs float32 or fixed_size_list<float32>[D] (an embedding of D values), not {outputType}.", outputType);
        }
        if (device is not null && !DevicePattern().IsMatch(device))
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid, $"Device '{device}' is not auto, cpu, cuda or cuda:N.", device);
        }
        return new UdfSpec
        {
            Name = name ?? Path.GetFileNameWithoutExtension(full),
            Kind = UdfKind.Model,
            Source = full,
            SourceHash = assembly is null ? UdfSourceHash.OfFiles(full) : UdfSourceHash.OfFiles(full, assembly),
            TypeName = typeName,
            ModuleAssembly = assembly,
            InputColumns = inputColumns,
            OutputType = ArrowTypeNames.Format(type),
            Batched = true,
            Device = device ?? "auto",
            BatchSize = batchSize ?? DefaultBatchSize,
        };
    }

    /// <summary>The full name of the public class <paramref name="typeName"/> (full or simple name) in the assembly's metadata.</summary>
    private static string ModuleTypeName(string assembly, string? typeName)
    {
        if (!File.Exists(assembly))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"Module assembly '{assembly}' does not exist.", assembly);
        }
        if (typeName is null)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"Name the TorchSharp module class in '{Path.GetFileName(assembly)}' with -TypeName.", assembly);
        }
        List<string> classes;
        try
        {
            using var pe = new PEReader(File.OpenRead(assembly));
            var metadata = pe.GetMetadataReader();
            classes = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
                .Where(t => (t.Attributes & System.Reflection.TypeAttributes.VisibilityMask) == System.Reflection.TypeAttributes.Public)
                .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}".TrimStart('.'))
                .ToList();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"'{assembly}' is not a .NET assembly: {e.Message}", assembly, e);
        }
        return classes.FirstOrDefault(c => c == typeName) ?? classes.FirstOrDefault(c => c.EndsWith("." + typeName, StringComparison.Ordinal))
            ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{Path.GetFileName(assembly)}' has no public class '{typeName}'. Public classes: {string.Join(", ", classes)}.", typeName);
    }

    [GeneratedRegex("^(auto|cpu|cuda|cuda:[0-9]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex DevicePattern();
}
