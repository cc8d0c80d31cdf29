using System.Reflection;

namespace Geneva.Core.Udfs;

internal sealed class DotNetUdfFactory : IUdfFactory
{
    public string Kind => UdfKind.DotNet;

    public object Create(UdfSpec spec)
    {
        var type = DotNetUdfLoader.FindType(spec);
        object instance;
        try
        {
            instance = Activator.CreateInstance(type)!;
        }
        catch (Exception e)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"UDF class '{type.FullName}' could not be constructed (it needs a public parameterless constructor): " +
                (e.InnerException ?? e).Message, spec.Name, e);
        }
        if (instance is IBatchUdf or IScalarUdf)
        {
            return instance;
        }
        var method = DotNetUdfLoader.TypedApply(type) ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
            $"UDF class '{type.FullName}' implements neither IBatchUdf nor IScalarUdf and has no single typed Apply method.",
            spec.Name);
        return new TypedScalarUdf(instance, method);
    }
}
