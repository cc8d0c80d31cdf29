using System.Globalization;
using System.Reflection;
using Geneva.Core.Arrow;

namespace Geneva.Core.Udfs;

/// <summary>
/// Describes UDF classes of an assembly file as <see cref="UdfSpec"/>s (from metadata: the session never
/// loads UDF code) and, in workers, loads them (<see cref="UdfAssemblies"/>). A UDF
/// class has <see cref="GenevaUdfAttribute"/> and implements <see cref="IBatchUdf"/>,
/// <see cref="IScalarUdf"/>, or has one public typed instance method named <c>Apply</c>
/// whose parameter names are its input columns.
/// </summary>
public static class DotNetUdfLoader
{
    /// <summary>Loads a UDF or module assembly in this process (workers only), in its own collectible context.</summary>
    public static Assembly LoadAssembly(string assemblyPath, string? expectedHash = null) => UdfAssemblies.Load(assemblyPath, expectedHash);

    /// <summary>The UDF class of a bound spec, from the assembly bytes it was bound with (else <see cref="GenevaErrorCode.UdfChanged"/>).</summary>
    public static Type FindType(UdfSpec spec)
    {
        var assembly = LoadAssembly(spec.Source, spec.SourceHash);
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"Types in '{spec.Source}' could not be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message}", spec.Source, e);
        }
        return types.FirstOrDefault(t => t.FullName == spec.TypeName && t.GetCustomAttribute<GenevaUdfAttribute>() is not null)
            ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{spec.Source}' has no UDF class named '{spec.TypeName}'.", spec.TypeName);
    }

    /// <summary>The UDF class <paramref name="typeName"/> (full or simple name), or the only one, from the assembly's metadata.</summary>
    private static UdfClassMetadata FindClass(string assemblyPath, string? typeName)
    {
        var udfs = UdfAssemblyReader.ReadUdfClasses(assemblyPath);
        if (typeName is not null)
        {
            return udfs.FirstOrDefault(t => t.FullName == typeName || t.Name == typeName)
                ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                    $"'{assemblyPath}' has no UDF class named '{typeName}'. UDF classes: " +
                    $"{(udfs.Count == 0 ? "none" : string.Join(", ", udfs.Select(t => t.FullName)))}.", typeName);
        }
        return udfs.Count switch
        {
            1 => udfs[0],
            0 => throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{assemblyPath}' has no public class with [GenevaUdf].", assemblyPath),
            _ => throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{assemblyPath}' has several UDF classes ({string.Join(", ", udfs.Select(t => t.FullName))}); name one with -TypeName.",
                assemblyPath),
        };
    }

    /// <summary>
    /// Describes the UDF class from the assembly's metadata, without loading it into this process, and
    /// hashes the assembly's bytes into the spec. Explicit input columns win over the attribute and parameter names.
    /// </summary>
    public static UdfSpec Describe(string assemblyPath, string? typeName, string? name = null,
        IReadOnlyList<string>? inputColumns = null)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"UDF assembly '{full}' does not exist.", full);
        }
        var type = FindClass(full, typeName);
        IReadOnlyList<string>? inputs = inputColumns is { Count: > 0 } ? inputColumns : type.InputColumns;
        if (inputs is null || inputs.Count == 0)
        {
            inputs = type.ApplyParameters;
        }
        if (inputs is null || inputs.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"UDF class '{type.FullName}' does not say which columns it reads: set InputColumns in [GenevaUdf] " +
                "or give -InputColumn.", type.FullName);
        }
        var spec = new UdfSpec
        {
            Name = name ?? type.UdfName ?? type.Name,
            Kind = UdfKind.DotNet,
            Source = full,
            TypeName = type.FullName,
            SourceHash = UdfSourceHash.OfFiles(full),
            InputColumns = inputs,
            OutputType = ArrowTypeNames.Format(ArrowTypeNames.Parse(type.OutputType)),
            Batched = type.Batched,
            Version = type.Version,
            CheckpointSize = type.CheckpointSize > 0 ? type.CheckpointSize : null,
            MinCheckpointSize = type.MinCheckpointSize > 0 ? type.MinCheckpointSize : null,
            MaxCheckpointSize = type.MaxCheckpointSize > 0 ? type.MaxCheckpointSize : null,
            NumCpus = type.NumCpus,
            NumGpus = type.NumGpus,
            OnError = ErrorPolicy.FromName(type.OnError),
        };
        return spec;
    }

    /// <summary>The typed <c>Apply</c> method of a class that implements neither contract, if any.</summary>
    internal static MethodInfo? TypedApply(Type type)
    {
        if (typeof(IBatchUdf).IsAssignableFrom(type) || typeof(IScalarUdf).IsAssignableFrom(type))
        {
            return null;
        }
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == "Apply" && m.ReturnType != typeof(void)).ToList();
        return methods.Count == 1 ? methods[0] : null;
    }

    internal static object? ConvertArgument(object? value, Type target)
    {
        if (value is null)
        {
            return null;
        }
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }
        if (underlying == typeof(object))
        {
            return value;
        }
        return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
    }
}
