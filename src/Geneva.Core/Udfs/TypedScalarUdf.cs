using System.Reflection;

namespace Geneva.Core.Udfs;

/// <summary>Adapts a typed <c>Apply(string a, int b)</c> method to <see cref="IScalarUdf"/>.</summary>
internal sealed class TypedScalarUdf : IScalarUdf, IStatefulUdf, IDisposable
{
    private readonly object _target;
    private readonly MethodInfo _method;
    private readonly ParameterInfo[] _parameters;

    public TypedScalarUdf(object target, MethodInfo method)
    {
        _target = target;
        _method = method;
        _parameters = method.GetParameters();
    }

    public object? Apply(object?[] args)
    {
        var converted = new object?[_parameters.Length];
        for (var i = 0; i < converted.Length; i++)
        {
            var type = _parameters[i].ParameterType;
            converted[i] = DotNetUdfLoader.ConvertArgument(args[i], type);
            if (converted[i] is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null)
            {
                return null; // SQL semantics: a null input to a non-nullable parameter gives null.
            }
        }
        try
        {
            return _method.Invoke(_target, converted);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public void Setup() => (_target as IStatefulUdf)?.Setup();

    public void Dispose() => (_target as IDisposable)?.Dispose();
}
