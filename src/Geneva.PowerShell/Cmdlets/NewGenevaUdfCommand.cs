using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core;
using Geneva.Core.Arrow;
using Geneva.Core.Expressions;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Defines a UDF from a .NET assembly, a scriptblock, a SQL-style expression or a model (TorchScript,
/// or a TorchSharp module with its weights). The result is a
/// plain definition (bind it with Add-GenevaColumn or Set-GenevaColumn); nothing runs yet.
/// </summary>
[Cmdlet(VerbsCommon.New, "GenevaUdf", DefaultParameterSetName = ScriptBlockSet)]
[OutputType(typeof(UdfSpec))]
public sealed class NewGenevaUdfCommand : GenevaCmdlet
{
    private const string AssemblySet = "Assembly";
    private const string ScriptBlockSet = "ScriptBlock";
    private const string ExpressionSet = "Expression";
    private const string ModelSet = "Model";

    [Parameter(Position = 0, Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [Parameter(Position = 0, Mandatory = true, ParameterSetName = ExpressionSet)]
    [Parameter(Position = 0, ParameterSetName = AssemblySet)]
    [Parameter(Position = 0, ParameterSetName = ModelSet)]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>The scriptblock takes whole columns (arrays) and returns one value per row.</summary>
    [Parameter(ParameterSetName = ScriptBlockSet)]
    public SwitchParameter Batch { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ExpressionSet)]
    public string? Expression { get; set; }

    /// <summary>A .NET UDF assembly; with -Model, the assembly that defines the TorchSharp module class -TypeName.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AssemblySet)]
    [Parameter(ParameterSetName = ModelSet)]
    [Alias("Path")]
    public string? AssemblyPath { get; set; }

    [Parameter(ParameterSetName = AssemblySet)]
    [Parameter(ParameterSetName = ModelSet)]
    public string? TypeName { get; set; }

    /// <summary>
    /// A TorchScript model file (torch.jit.script(m).save(path) in PyTorch), or with -AssemblyPath and
    /// -TypeName the weights of a TorchSharp module: .safetensors, a PyTorch state_dict (.pt/.pth/.bin),
    /// or TorchSharp's own format (any other extension).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ModelSet)]
    public string? Model { get; set; }

    /// <summary>auto (CUDA when TorchSharp finds it, else CPU), cpu, cuda or cuda:N.</summary>
    [Parameter(ParameterSetName = ModelSet)]
    [ValidatePattern("^(auto|cpu|cuda|cuda:[0-9]+)$")]
    public string? Device { get; set; }

    /// <summary>Rows per forward pass; halved for the rest of the job when a batch runs out of device memory.</summary>
    [Parameter(ParameterSetName = ModelSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? BatchSize { get; set; }

    [Parameter]
    public string[]? InputColumn { get; set; }

    /// <summary>The output's Arrow type; a .NET UDF declares its own, and a given one must match it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [Parameter(Mandatory = true, ParameterSetName = ExpressionSet)]
    [Parameter(Mandatory = true, ParameterSetName = ModelSet)]
    [Parameter(ParameterSetName = AssemblySet)]
    [ArgumentCompleter(typeof(ArrowTypeCompleter))]
    public string? OutputType { get; set; }

    [Parameter]
    public string? Version { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CheckpointSize { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MinCheckpointSize { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxCheckpointSize { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1024.0)]
    public double? NumCpus { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1024.0)]
    public double? NumGpus { get; set; }

    /// <summary>Fail, Skip, RetryTransient, RetryAll, or rule hashtables: @{ Exception = 'IOException'; Match = 'timeout'; Action = 'Retry'; MaxAttempts = 5; Backoff = 'Fixed' }.</summary>
    [Parameter]
    public object[]? OnError { get; set; }

    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaxSkipCount { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? MaxSkipFraction { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var spec = ParameterSetName switch
        {
            AssemblySet => CheckDeclaredOutputType(DotNetUdfLoader.Describe(ResolvePath(AssemblyPath!), TypeName, Name, InputColumn)),
            ExpressionSet => FromExpression(),
            ModelSet => ModelUdfDescriber.Describe(ResolvePath(Model!), Name, InputColumn, OutputType!, Device, BatchSize,
                AssemblyPath is null ? null : ResolvePath(AssemblyPath), TypeName),
            _ => FromScriptBlock(),
        };
        spec = spec with
        {
            Version = Version ?? spec.Version,
            CheckpointSize = CheckpointSize ?? spec.CheckpointSize,
            MinCheckpointSize = MinCheckpointSize ?? spec.MinCheckpointSize,
            MaxCheckpointSize = MaxCheckpointSize ?? spec.MaxCheckpointSize,
            NumCpus = NumCpus ?? spec.NumCpus,
            NumGpus = NumGpus ?? spec.NumGpus,
            OnError = OnError is null ? spec.OnError : ErrorPolicyParser.Parse(OnError),
        };
        if (MaxSkipCount is not null || MaxSkipFraction is not null)
        {
            spec = spec with { OnError = spec.OnError with { MaxSkipCount = MaxSkipCount, MaxSkipFraction = MaxSkipFraction } };
        }
        spec.OnError.Validate();
        WriteObject(spec);
    });

    /// <summary>A .NET UDF's output type is the one its class declares; -OutputType may only repeat it.</summary>
    private UdfSpec CheckDeclaredOutputType(UdfSpec spec)
    {
        if (OutputType is not null && CanonicalOutputType() != spec.OutputType)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                $"UDF class '{spec.TypeName}' declares output type {spec.OutputType}, not {CanonicalOutputType()}; " +
                "change its [GenevaUdf] attribute, or leave -OutputType out.", spec.Name);
        }
        return spec;
    }

    private string CanonicalOutputType() => ArrowTypeNames.Format(ArrowTypeNames.Parse(OutputType!));

    private UdfSpec FromExpression()
    {
        var expression = SqlExpression.Parse(Expression!);
        return new UdfSpec
        {
            Name = Name!,
            Kind = UdfKind.Expression,
            Source = expression.Normalized,
            InputColumns = InputColumn ?? expression.Columns.ToArray(),
            OutputType = CanonicalOutputType(),
            Batched = true,
        };
    }

    private UdfSpec FromScriptBlock()
    {
        var parameters = (ScriptBlock!.Ast as ScriptBlockAst)?.ParamBlock?.Parameters.Select(p => p.Name.VariablePath.UserPath).ToArray() ?? [];
        var inputs = InputColumn ?? parameters;
        if (inputs.Length == 0)
        {
            throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                "The scriptblock has no param() block, so its input columns are unknown: add param($column, ...) or give -InputColumn.",
                Name);
        }
        return new UdfSpec
        {
            Name = Name!,
            Kind = UdfKind.ScriptBlock,
            Source = ScriptBlock.ToString(),
            InputColumns = inputs,
            OutputType = CanonicalOutputType(),
            Batched = Batch,
        };
    }
}
