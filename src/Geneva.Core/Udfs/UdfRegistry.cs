using System.Collections.Concurrent;

namespace Geneva.Core.Udfs;

/// <summary>The factories this process can build UDFs with, by kind.</summary>
public static class UdfRegistry
{
    private static readonly ConcurrentDictionary<string, IUdfFactory> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [UdfKind.DotNet] = new DotNetUdfFactory(),
        [UdfKind.Expression] = new ExpressionUdfFactory(),
    };

    public static void Register(IUdfFactory factory) => s_factories[factory.Kind] = factory;

    /// <summary>Builds a UDF instance and runs its setup; the caller disposes it.</summary>
    public static object CreateInstance(UdfSpec spec)
    {
        if (!s_factories.TryGetValue(spec.Kind, out var factory))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"UDF '{spec.Name}' is of kind '{spec.Kind}', which this process cannot run " +
                $"(known kinds: {string.Join(", ", s_factories.Keys)}).", spec.Name);
        }
        object instance;
        try
        {
            instance = factory.Create(spec);
        }
        catch (GenevaException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"UDF '{spec.Name}' could not be created: {e.Message}", spec.Name, e);
        }
        if (instance is not (IBatchUdf or IScalarUdf))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"UDF '{spec.Name}' built a {instance.GetType().Name}, which is neither IBatchUdf nor IScalarUdf.", spec.Name);
        }
        if (instance is IStatefulUdf stateful)
        {
            try
            {
                stateful.Setup();
            }
            catch (Exception e)
            {
                (instance as IDisposable)?.Dispose();
                throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                    $"Setup of UDF '{spec.Name}' failed: {e.Message}", spec.Name, e);
            }
        }
        return instance;
    }
}
