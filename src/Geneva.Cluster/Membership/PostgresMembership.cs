using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Geneva.Cluster.Membership;

/// <summary>
/// Membership for a real deployment: Orleans' ADO.NET clustering on PostgreSQL. Every silo and client names the
/// same database instead of a seed address; the membership table there is the cluster's source of truth.
/// </summary>
public static class PostgresMembership
{
    /// <summary>The ADO.NET invariant Orleans resolves to Npgsql's provider factory.</summary>
    public const string Invariant = "Npgsql";

    private const string SchemaResource = "Geneva.Cluster.Membership.PostgresMembership.sql";

    /// <summary>
    /// Joins (or starts) the cluster whose membership table is in the PostgreSQL database at
    /// <paramref name="connectionString"/>: what <see cref="ClusterMembership.UseSeed"/> does for a seed address,
    /// with the same cluster id, endpoints and fast failure detection. Run <see cref="InstallSchemaAsync"/> first.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, string connectionString, IPEndPoint self, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(self);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterMembership.ClusterId;
            o.ServiceId = ClusterMembership.ServiceId;
        });
        silo.ConfigureEndpoints(self.Address, self.Port, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(self.Address));
        silo.UsePostgresClustering(connectionString);
        return silo.UseFastFailureDetection();
    }

    /// <summary>Makes the silo find its cluster through the PostgreSQL database at <paramref name="connectionString"/>.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>Makes the client find the cluster's gateways through the PostgreSQL database at <paramref name="connectionString"/>.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Creates the membership tables and Orleans' stored queries when they are missing, and refreshes the queries
    /// when they are there. Idempotent, and safe when several nodes start at once on an empty database (they queue
    /// on an advisory lock). The database itself must exist.
    /// </summary>
    public static async Task InstallSchemaAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var schema = ReadSchema();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The silo endpoints the membership table lists as active for Geneva's cluster: empty when no cluster runs
    /// there (or the schema is not installed yet). Lets a tool fail fast, as a seed address that nothing answers does,
    /// and pick a local address that reaches the nodes. Throws <see cref="NpgsqlException"/> when the database is unreachable.
    /// </summary>
    public static async Task<IReadOnlyList<IPEndPoint>> ActiveSilosAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT Address, Port FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3 ORDER BY StartTime",
            connection);
        command.Parameters.AddWithValue("cluster", ClusterMembership.ClusterId);
        var silos = new List<IPEndPoint>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                silos.Add(new IPEndPoint(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No schema: no node ever started on this database.
        }
        return silos;
    }

    /// <summary>The schema script, for a database administrator who runs it with psql instead.</summary>
    public static string ReadSchema()
    {
        using var stream = typeof(PostgresMembership).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The assembly lacks its resource {SchemaResource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
