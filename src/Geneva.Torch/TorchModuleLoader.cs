using System.Reflection;
using Geneva.Core;
using Geneva.Core.Udfs;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Geneva.Torch;

/// <summary>
/// Builds a model UDF's TorchSharp module: the class from its assembly (a public parameterless
/// constructor that creates the layers), then its weights from the file, by extension:
/// <c>.safetensors</c> (Hugging Face safetensors), <c>.pt</c>/<c>.pth</c>/<c>.bin</c> (a PyTorch
/// <c>state_dict</c> saved with torch.save), anything else TorchSharp's own format (Module.save).
/// The two foreign formats go through TorchSharp.PyBridge.
/// </summary>
public static class TorchModuleLoader
{
    public static nn.Module<Tensor, Tensor> Load(UdfSpec spec, Device device)
    {
        var assemblyPath = spec.ModuleAssembly!;
        var type = DotNetUdfLoader.LoadAssembly(assemblyPath).GetType(spec.TypeName!)
            ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"'{Path.GetFileName(assemblyPath)}' has no class '{spec.TypeName}'.", spec.TypeName);
        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"'{type.FullName}' is not a TorchSharp module of one tensor to one tensor (torch.nn.Module<Tensor, Tensor>).", type.FullName);
        }
        if (type.GetConstructor(Type.EmptyTypes) is not { } constructor)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"'{type.FullName}' needs a public constructor without parameters, so a worker can create it before loading the weights.",
                type.FullName);
        }
        nn.Module<Tensor, Tensor> module;
        try
        {
            module = (nn.Module<Tensor, Tensor>)constructor.Invoke(null);
        }
        catch (TargetInvocationException e)
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"Creating '{type.FullName}' failed: {e.InnerException?.Message}", type.FullName, e.InnerException);
        }
        try
        {
            LoadWeights(module, spec.Source);
        }
        catch (Exception e) when (e is not GenevaException)
        {
            module.Dispose();
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"The weights in '{spec.Source}' do not fit '{type.FullName}': {e.Message}", spec.Source, e);
        }
        module.to(device);
        module.eval();
        return module;
    }

    private static void LoadWeights(nn.Module module, string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".safetensors":
                module.load_safetensors(path);
                break;
            case ".pt" or ".pth" or ".bin":
                module.load_py(path);
                break;
            default:
                module.load(path);
                break;
        }
    }
}
