using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Udfs;

/// <summary>
/// Makes the spec of a model UDF (a TorchScript file) and checks what can be checked without
/// libtorch: the file, one input column, a float32 or fixed_size_list&lt;float32&gt;[D] output, the
/// device name. The model's bytes are hashed, so a retrained model counts as a new UDF version.
/// </summary>
public static partial class ModelUdfDescriber
{
    public static UdfSpec Describe(string modelPath, string? name, IReadOnlyList<string>? inputColumns, string outputType,
        string? device, int? batchSize)
    {
        var full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"Model file '{full}' does not exist.", full);
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
            SourceHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full)))[..16],
            InputColumns = inputColumns,
            OutputType = ArrowTypeNames.Format(type),
            Batched = true,
            Device = device ?? "auto",
            BatchSize = batchSize,
        };
    }

    [GeneratedRegex("^(auto|cpu|cuda|cuda:[0-9]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex DevicePattern();
}
