using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core;
using Geneva.Core.Arrow;
using Geneva.Core.Udfs;
using TorchSharp;
using static TorchSharp.torch;

namespace Geneva.Torch;

/// <summary>
/// A model as a batch UDF (a TorchScript file, or a TorchSharp module class with a weights file,
/// <see cref="TorchModuleLoader"/>): loaded once per UDF instance onto its device (Setup), then
/// each batch of the input column goes through forward in slices of BatchSize rows. The output
/// (float32, one row of D values per input row, or one value) becomes a fixed_size_list&lt;float32&gt;[D]
/// or float32 column, each forward pass's output copied once, into the Arrow buffer. A slice that
/// runs out of device memory is halved and retried, and the smaller size is kept (and reported, so
/// the job's other instances and a resumed run start there: <see cref="IAdaptsBatchSize"/>).
/// </summary>
public sealed class TorchModelUdf : IBatchUdf, IStatefulUdf, IRunsOnDevice, IAdaptsBatchSize, IDisposable
{
    /// <summary>Test hook: a forward pass over more rows than this throws as a CUDA out-of-memory would.</summary>
    public const string FaultOomAboveVariable = "GENEVA_TORCH_FAULT_OOM_ABOVE";

    /// <summary>Test hook: a file that gets a line per model load ("load") and per simulated out-of-memory ("oom"), so tests can count them.</summary>
    public const string TraceVariable = "GENEVA_TORCH_TRACE";

    private readonly UdfSpec _spec;
    private readonly IArrowType _outputType;
    private readonly int? _faultOomAbove;
    private IDisposable? _model;
    private Func<Tensor, Tensor>? _forward;

    public TorchModelUdf(UdfSpec spec)
    {
        _spec = spec;
        _outputType = ArrowTypeNames.Parse(spec.OutputType);
        if (_outputType is not (FloatType or FixedSizeListType { ValueDataType: FloatType }))
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"Model UDF '{spec.Name}' must output float32 or fixed_size_list<float32>[D], not {spec.OutputType}.", spec.Name);
        }
        BatchSize = spec.BatchSize ?? ModelUdfDescriber.DefaultBatchSize;
        _faultOomAbove = int.TryParse(Environment.GetEnvironmentVariable(FaultOomAboveVariable), out var n) ? n : null;
    }

    /// <summary>Rows per forward pass now: starts at the UDF's BatchSize, halves on out-of-memory.</summary>
    public int BatchSize { get; private set; }

    public void LimitBatchSize(int rows) => BatchSize = Math.Clamp(rows, 1, BatchSize);

    /// <summary>The device the model runs on, once set up.</summary>
    public Device? Device { get; private set; }

    public string DeviceName => Device?.ToString() ?? "not set up";

    public void Setup()
    {
        Device = ResolveDevice(_spec.Device);
        Trace($"load {_spec.Source}");
        if (!File.Exists(_spec.Source))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"Model file '{_spec.Source}' does not exist.", _spec.Source);
        }
        if (_spec.TypeName is null)
        {
            var script = jit.load(_spec.Source, Device.type, Device.index);
            script.eval();
            _model = script;
            _forward = x => script.call(x) as Tensor ?? throw new GenevaException(GenevaErrorCode.UdfOutputInvalid,
                $"Model UDF '{_spec.Name}' returned something other than one tensor.", _spec.Name);
        }
        else
        {
            var module = TorchModuleLoader.Load(_spec, Device);
            _model = module;
            _forward = module.call;
        }
    }

    public static Device ResolveDevice(string? requested) => (requested ?? "auto").ToLowerInvariant() switch
    {
        "auto" => cuda.is_available() ? CUDA : CPU,
        "cpu" => CPU,
        var name when name.StartsWith("cuda", StringComparison.Ordinal) => cuda.is_available()
            ? torch.device(name)
            : throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                $"Device '{requested}' was asked for, but TorchSharp finds no CUDA device here (CPU libtorch, or no GPU).", requested),
        _ => throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
            $"Device '{requested}' is not auto, cpu, cuda or cuda:N.", requested),
    };

    public IArrowArray Apply(RecordBatch input)
    {
        var model = _forward ?? throw new InvalidOperationException("Setup has not run.");
        var column = input.Column(0);
        var width = _outputType is FixedSizeListType f ? f.ListSize : 1;
        // The output's Arrow buffer, filled by each forward pass in place and handed to Arrow without a copy.
        var bytes = new byte[input.Length * width * sizeof(float)];
        using var noGrad = torch.no_grad();
        var row = 0;
        while (row < input.Length)
        {
            var rows = Math.Min(BatchSize, input.Length - row);
            try
            {
                Forward(model, ArrowArrayFactory.Slice(column, row, rows), width,
                    MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Slice(row * width, rows * width));
                row += rows;
            }
            catch (Exception e) when (IsOutOfMemory(e) && rows > 1)
            {
                BatchSize = Math.Max(1, rows / 2);
            }
        }
        return Build(bytes, input.Length, width);
    }

    private void Forward(Func<Tensor, Tensor> model, IArrowArray slice, int width, Span<float> destination)
    {
        if (_faultOomAbove is int limit && slice.Length > limit)
        {
            Trace($"oom {slice.Length}");
            throw new ExternalException($"CUDA out of memory (simulated by {FaultOomAboveVariable}={limit}).");
        }
        using var scope = NewDisposeScope();
        var x = TensorInput.From(slice, Device!);
        // A short slice (the end of a checkpoint) is padded with zero rows to the batch size: TorchScript
        // specializes its graph per input shape, and each new shape costs profiling runs (measured: about
        // 1 s per 1M rows of a small MLP with the adaptive sizer's odd checkpoint ends).
        var rows = (int)x.shape[0];
        if (rows < BatchSize)
        {
            var padShape = x.shape.ToArray();
            padShape[0] = BatchSize - rows;
            x = torch.cat([x, torch.zeros(padShape, x.dtype, x.device)], 0);
        }
        var y = model(x);
        var expected = width == 1 ? new long[] { x.shape[0] } : [x.shape[0], width];
        if (!(y.shape.SequenceEqual(expected) || (width == 1 && y.shape.SequenceEqual([x.shape[0], 1L]))))
        {
            throw new GenevaException(GenevaErrorCode.UdfOutputInvalid,
                $"Model UDF '{_spec.Name}' returned shape [{string.Join(", ", y.shape)}] for {x.shape[0]} rows; " +
                $"{_spec.OutputType} needs [{string.Join(", ", expected)}].", _spec.Name);
        }
        using var host = y.narrow(0, 0, rows).to_type(ScalarType.Float32).cpu().contiguous();
        MemoryMarshal.Cast<byte, float>(host.bytes).CopyTo(destination);
    }

    private static void Trace(string line)
    {
        if (Environment.GetEnvironmentVariable(TraceVariable) is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + "\n");
        }
    }

    private static bool IsOutOfMemory(Exception e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);

    private IArrowArray Build(byte[] bytes, int rows, int width)
    {
        var flat = new FloatArray(new ArrowBuffer(bytes), ArrowBuffer.Empty, rows * width, 0, 0);
        return _outputType is FixedSizeListType type
            ? new FixedSizeListArray(new ArrayData(type, rows, 0, 0, [ArrowBuffer.Empty], [flat.Data]))
            : flat;
    }

    public void Dispose() => _model?.Dispose();
}
