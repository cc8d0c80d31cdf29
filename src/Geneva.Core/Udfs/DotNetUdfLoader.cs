using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Geneva.Core.Arrow;

namespace Geneva.Core.Udfs;

/// <summary>
/// Finds UDF classes in an assembly file and describes them as <see cref="UdfSpec"/>s. A UDF
/// class has <see cref="GenevaUdfAttribute"/> and implements <see cref="IBatchUdf"/>,
/// <see cref="IScalarUdf"/>, or has one public typed instance method named <c>Apply</c>
/// whose parameter names are its input columns.
/// </summary>
public static class DotNetUdfLoader
{
    public static Assembly LoadAssembly(string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"UDF assembly '{full}' does not exist.", full);
        }
        try
        {
            return Assembly.LoadFrom(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{full}' is not a loadable .NET assembly: {e.Message}", full, e);
        }
    }

    public static Type FindType(string assemblyPath, string? typeName)
    {
        var assembly = LoadAssembly(assemblyPath);
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"Types in '{assemblyPath}' could not be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message}", assemblyPath, e);
        }
        var udfs = types.Where(t => t.GetCustomAttribute<GenevaUdfAttribute>() is not null).ToList();
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

    /// <summary>Describes the UDF class; explicit input columns win over the attribute and parameter names.</summary>
    public static UdfSpec Describe(string assemblyPath, string? typeName, string? name = null,
        IReadOnlyList<string>? inputColumns = null)
    {
        var full = Path.GetFullPath(assemblyPath);
        var type = FindType(full, typeName);
        var attribute = type.GetCustomAttribute<GenevaUdfAttribute>()!;
        var batched = typeof(IBatchUdf).IsAssignableFrom(type);
        IReadOnlyList<string>? inputs = inputColumns is { Count: > 0 } ? inputColumns : attribute.InputColumns;
        if (inputs is null || inputs.Count == 0)
        {
            var method = TypedApply(type);
            inputs = method?.GetParameters().Select(p => p.Name!).ToList();
        }
        if (inputs is null || inputs.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"UDF class '{type.FullName}' does not say which columns it reads: set InputColumns in [GenevaUdf] " +
                "or give -InputColumn.", type.FullName);
        }
        ArrowTypeNames.Parse(attribute.OutputType);
        var spec = new UdfSpec
        {
            Name = name ?? attribute.Name ?? type.Name,
            Kind = UdfKind.DotNet,
            Source = full,
            TypeName = type.FullName,
            SourceHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full)))[..16],
            InputColumns = inputs,
            OutputType = ArrowTypeNames.Format(ArrowTypeNames.Parse(attribute.OutputType)),
            Batched = batched,
            Version = attribute.Version,
            CheckpointSize = attribute.CheckpointSize > 0 ? attribute.CheckpointSize : null,
            MinCheckpointSize = attribute.MinCheckpointSize > 0 ? attribute.MinCheckpointSize : null,
            MaxCheckpointSize = attribute.MaxCheckpointSize > 0 ? attribute.MaxCheckpointSize : null,
            NumCpus = attribute.NumCpus,
            NumGpus = attribute.NumGpus,
            OnError = ErrorPolicy.FromName(attribute.OnError),
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
