namespace Geneva.Cluster.Node;

/// <summary>How a worker node runs its slots' local worker processes.</summary>
public sealed record NodeOptions
{
    public required string Name { get; init; }

    public int Slots { get; init; } = 1;

    public int Gpus { get; init; }

    /// <summary>The module's bin folder: Geneva.Worker.dll and Geneva.PowerShell.dll.</summary>
    public required string WorkerBin { get; init; }

    /// <summary>The pwsh executable for scriptblock UDFs (dotnet, with <see cref="PwshDll"/>, when pwsh is a dotnet tool).</summary>
    public string? Pwsh { get; init; }

    public string? PwshDll { get; init; }

    /// <summary>The folder of Geneva.Torch.Worker.dll.</summary>
    public string? TorchWorker { get; init; }

    /// <summary>Where UDF files fetched from a dispatcher go.</summary>
    public required string UdfCache { get; init; }

    /// <summary>Treat every UDF file path as absent here and fetch it (tests; a node that must not read a shared UDF folder).</summary>
    public bool FetchUdfFiles { get; init; }
}
