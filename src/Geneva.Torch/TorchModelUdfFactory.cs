using Geneva.Core.Udfs;

namespace Geneva.Torch;

/// <summary>Builds <see cref="TorchModelUdf"/>s for specs of kind <see cref="UdfKind.Model"/>.</summary>
public sealed class TorchModelUdfFactory : IUdfFactory
{
    public string Kind => UdfKind.Model;

    public object Create(UdfSpec spec) => new TorchModelUdf(spec);
}
