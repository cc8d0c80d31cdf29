using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Geneva.Cluster.Host;

/// <summary>A mode's options: <c>--name value</c> pairs and bare <c>--flag</c>s.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    public CommandLine(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{list[i]}'.");
            }
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            _options[list[i][2..]] = hasValue ? list[++i] : null;
        }
    }

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? String(string name) => _options.GetValueOrDefault(name);

    /// <summary>Environment variable holding the PostgreSQL connection string, so its password stays off command lines.</summary>
    public const string PostgresVariable = "GENEVA_CLUSTER_POSTGRES";

    /// <summary>
    /// The membership database's connection string: --postgres, else (without --seed) <see cref="PostgresVariable"/>;
    /// null: the cluster of a seed.
    /// </summary>
    public string? Postgres => String("postgres") ?? (String("seed") is null ? NullIfEmpty(Environment.GetEnvironmentVariable(PostgresVariable)) : null);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public string Required(string name) => String(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback) => String(name) is { } text
        ? int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new UsageException($"--{name} takes a whole number, not '{text}'.")
        : fallback;

    public double Double(string name, double fallback) => String(name) is { } text
        ? double.TryParse(text, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new UsageException($"--{name} takes a positive number, not '{text}'.")
        : fallback;

    /// <summary>host:port, the host a name or an address.</summary>
    public static IPEndPoint Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], CultureInfo.InvariantCulture, out var port))
        {
            throw new UsageException($"'{text}' is not host:port.");
        }
        var host = text[..colon].Trim('[', ']');
        var address = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new UsageException($"'{host}' does not resolve to an IPv4 address.");
        return new IPEndPoint(address, port);
    }

    /// <summary>A port free now on <paramref name="address"/> (0 asked: the system picks).</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>This machine's address that reaches <paramref name="remote"/> (loopback for a loopback seed).</summary>
    public static IPAddress LocalAddressFor(IPEndPoint remote)
    {
        if (IPAddress.IsLoopback(remote.Address))
        {
            return IPAddress.Loopback;
        }
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(remote);
        return ((IPEndPoint)socket.LocalEndPoint!).Address;
    }
}

/// <summary>Bad command line: the message goes to stderr, exit code 64.</summary>
internal sealed class UsageException(string message) : Exception(message);
