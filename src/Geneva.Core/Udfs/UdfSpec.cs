using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Geneva.Core.Udfs;

/// <summary>
/// Everything needed to rebuild a UDF in another process or a later session, persisted in
/// the manifest's column bindings. Immutable: rebinding a column stores a new spec.
/// </summary>
public sealed record UdfSpec
{
    public required string Name { get; init; }

    /// <summary>One of <see cref="UdfKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Assembly path, scriptblock text, expression text or model file, by <see cref="Kind"/>.</summary>
    public required string Source { get; init; }

    /// <summary>.NET UDFs: the UDF class. Model UDFs: the TorchSharp module class whose weights <see cref="Source"/> holds.</summary>
    public string? TypeName { get; init; }

    /// <summary>Model UDFs of a TorchSharp module: the assembly that defines <see cref="TypeName"/> (null for TorchScript).</summary>
    public string? ModuleAssembly { get; init; }

    /// <summary>Hash of the file's bytes for .NET and model UDFs (weights and module assembly together), so a rebuilt dll or retrained model counts as a new definition.</summary>
    public string? SourceHash { get; init; }

    public required IReadOnlyList<string> InputColumns { get; init; }

    public required string OutputType { get; init; }

    /// <summary>True when the UDF takes whole batches (arrays) rather than one row at a time.</summary>
    public bool Batched { get; init; }

    /// <summary>Explicit version; when null the version is a hash of the definition.</summary>
    public string? Version { get; init; }

    public int? CheckpointSize { get; init; }

    public int? MinCheckpointSize { get; init; }

    public int? MaxCheckpointSize { get; init; }

    public double NumCpus { get; init; } = 1;

    public double NumGpus { get; init; }

    public long? Memory { get; init; }

    public ErrorPolicy OnError { get; init; } = ErrorPolicy.Fail;

    /// <summary>Model UDFs: auto (CUDA when present, else CPU), cpu, cuda or cuda:N.</summary>
    public string? Device { get; init; }

    /// <summary>Model UDFs: rows per forward pass (a checkpoint is cut into such batches).</summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// The version used in checkpoint identity and column provenance: the hash of the definition, or
    /// an explicit <see cref="Version"/> with the hash of the UDF's bytes after a '+' (v1+3f2a9c1d), so a
    /// rebuilt assembly, a retrained model or an edited scriptblock is a new version under any label.
    /// </summary>
    public string EffectiveVersion => Version is null ? DefinitionHash : $"{Version}+{ContentHash[..8]}";

    /// <summary>The hash of the UDF's bytes: <see cref="SourceHash"/> for files, else of <see cref="Source"/>'s text.</summary>
    public string ContentHash => Kind is UdfKind.DotNet or UdfKind.Model && SourceHash is not null ? SourceHash : UdfSourceHash.OfText(Source);

    /// <summary>SHA-256 (hex, 16 chars) of what decides the output: kind, source, inputs, output type.</summary>
    public string DefinitionHash
    {
        get
        {
            var canonical = JsonSerializer.Serialize(new object?[]
            {
                Kind, Kind is UdfKind.DotNet or UdfKind.Model ? SourceHash ?? Source : Source, TypeName,
                InputColumns, OutputType, Batched,
            }, GenevaJsonCanonical.Options);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
        }
    }
}
