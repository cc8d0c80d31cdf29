using System.Management.Automation;
using System.Text;
using Geneva.PowerShell.Cluster;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Writes Kubernetes YAML for a pool of worker pods: a Deployment of Geneva.Cluster.Host <c>node</c> processes that
/// join through Orleans' PostgreSQL membership (connection string from a Secret), with GPU requests, and a
/// PodDisruptionBudget. Returns the YAML, or writes it to -Path.
/// </summary>
[Cmdlet(VerbsCommon.New, "GenevaClusterManifest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class NewGenevaClusterManifestCommand : PSCmdlet
{
    // A DNS-1123 label, short enough for the names Kubernetes derives from it (replica sets, pods).
    private const string NamePattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>The Deployment's name, also the pods' label app.kubernetes.io/instance.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidatePattern(NamePattern)]
    [ValidateLength(1, 47)]
    public string Name { get; set; } = "";

    /// <summary>The container image: the Geneva module installed (at -ModulePath) with the .NET 10 runtime.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    [Parameter]
    [ValidateRange(1, 10_000)]
    public int Replicas { get; set; } = 3;

    [Parameter]
    [ValidateRange(1, 1024)]
    public int Slots { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 64)]
    public int NumGpus { get; set; }

    /// <summary>The Secret that holds the PostgreSQL connection string.</summary>
    [Parameter(Mandatory = true)]
    [ValidatePattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")]
    public string PostgresSecret { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PostgresSecretKey { get; set; } = "connectionString";

    [Parameter]
    [ValidatePattern(NamePattern)]
    public string? Namespace { get; set; }

    /// <summary>A ReadWriteMany PersistentVolumeClaim holding the tables, mounted at -TablePath.</summary>
    [Parameter]
    [ValidatePattern("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")]
    public string? TableClaim { get; set; }

    [Parameter]
    [ValidatePattern("^/")]
    public string TablePath { get; set; } = "/data";

    /// <summary>Where the image holds the Geneva module; by default where Install-PSResource -Scope AllUsers puts it.</summary>
    [Parameter]
    [ValidatePattern("^/")]
    public string? ModulePath { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Parameter]
    [ValidateRange(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>CPU request per pod, in Kubernetes quantity form ("4", "3500m").</summary>
    [Parameter]
    [ValidatePattern(@"^[0-9]+(\.[0-9]+)?m?$")]
    public string? Cpu { get; set; }

    /// <summary>Memory request and limit per pod, in Kubernetes quantity form ("16Gi").</summary>
    [Parameter]
    [ValidatePattern(@"^[0-9]+(\.[0-9]+)?([EPTGMK]i?|[kmunpE])?$")]
    public string? Memory { get; set; }

    /// <summary>The file to write; without it the YAML is returned.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Overwrite an existing -Path.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        if (SiloPort == GatewayPort)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-SiloPort and -GatewayPort are both {SiloPort}; a node listens on two ports."),
                "ClusterPortsEqual", ErrorCategory.InvalidArgument, SiloPort));
        }
        var manifest = new ClusterManifest
        {
            Name = Name,
            Image = Image,
            Namespace = Namespace,
            Replicas = Replicas,
            Slots = Slots,
            NumGpus = NumGpus,
            PostgresSecret = PostgresSecret,
            PostgresSecretKey = PostgresSecretKey,
            ModulePath = (ModulePath ?? DefaultModulePath()).TrimEnd('/'),
            TableClaim = TableClaim,
            TablePath = TablePath,
            SiloPort = SiloPort,
            GatewayPort = GatewayPort,
            Cpu = Cpu,
            Memory = Memory,
        };
        var yaml = manifest.ToYaml();
        if (Path is null)
        {
            WriteObject(yaml);
            return;
        }

        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(path) && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"'{path}' exists. Use -Force to overwrite it."),
                "ManifestExists", ErrorCategory.ResourceExists, path));
        }
        var gpus = NumGpus > 0 ? $", {NumGpus} GPU(s) each" : "";
        if (!ShouldProcess(path, $"Write a Kubernetes manifest for {Replicas} Geneva worker pod(s) of {Slots} slot(s){gpus}"))
        {
            return;
        }
        File.WriteAllText(path, yaml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        if (PassThru)
        {
            // The provider's item, so it formats like Get-Item's (mode, size).
            WriteObject(SessionState.InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
        }
    }

    // Install-PSResource -Scope AllUsers on Linux: /usr/local/share/powershell/Modules/<name>/<version>.
    private static string DefaultModulePath() =>
        $"/usr/local/share/powershell/Modules/Geneva/{typeof(NewGenevaClusterManifestCommand).Assembly.GetName().Version!.ToString(3)}";
}
