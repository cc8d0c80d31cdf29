using System.Globalization;
using Geneva.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// The table's job and checkpoint database, <c>_geneva/geneva.db</c> (SQLite, WAL). A checkpoint
/// counts once its receipt's transaction commits here; synchronous=NORMAL keeps that durable
/// across a killed process (not across power loss), at about 0.1 ms a commit.
/// One writer process at a time per job (the coordinator); readers may be any session.
/// </summary>
public sealed partial class CheckpointStore : IDisposable
{
    public const string Folder = "_geneva";
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs(
            job_id TEXT PRIMARY KEY, column_name TEXT NOT NULL, udf_name TEXT NOT NULL, udf_version TEXT NOT NULL,
            where_text TEXT, status TEXT NOT NULL, request_json TEXT NOT NULL, table_version INTEGER NOT NULL,
            created_at TEXT NOT NULL, ended_at TEXT, error TEXT,
            rows_planned INTEGER NOT NULL DEFAULT 0, fragments_planned INTEGER NOT NULL DEFAULT 0,
            rows_checkpointed INTEGER NOT NULL DEFAULT 0, udf_values_computed INTEGER NOT NULL DEFAULT 0,
            checkpoints INTEGER NOT NULL DEFAULT 0,
            fragments_committed INTEGER NOT NULL DEFAULT 0, rows_committed INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0, udf_seconds REAL NOT NULL DEFAULT 0,
            checkpoint_seconds REAL NOT NULL DEFAULT 0, commit_retries INTEGER NOT NULL DEFAULT 0,
            process_id INTEGER NOT NULL DEFAULT 0, host_name TEXT, heartbeat_at TEXT,
            started_at TEXT, rows_before_run INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS checkpoints(
            fragment_key TEXT NOT NULL, row_start INTEGER NOT NULL, row_count INTEGER NOT NULL, batch_rows INTEGER NOT NULL,
            job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL, file TEXT NOT NULL, bytes INTEGER NOT NULL,
            checksum TEXT NOT NULL, rows_computed INTEGER NOT NULL, udf_seconds REAL NOT NULL,
            write_seconds REAL NOT NULL, created_at TEXT NOT NULL, worker TEXT, device TEXT, batch_size INTEGER, rows_with_values INTEGER,
            PRIMARY KEY(fragment_key, row_start));
        CREATE TABLE IF NOT EXISTS row_errors(
            id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL,
            row_offset INTEGER NOT NULL, attempt INTEGER NOT NULL, error_type TEXT NOT NULL,
            message TEXT NOT NULL, action TEXT NOT NULL, created_at TEXT NOT NULL, row_key TEXT);
        CREATE TABLE IF NOT EXISTS leases(
            resource TEXT PRIMARY KEY, job_id TEXT NOT NULL, column_name TEXT NOT NULL, holder TEXT NOT NULL,
            acquired_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS row_errors_job ON row_errors(job_id);
        CREATE INDEX IF NOT EXISTS checkpoints_job ON checkpoints(job_id, created_at);
        """;

    /// <summary>Columns added since the first schema: added to older databases on open.</summary>
    private static readonly (string Table, string Column, string Definition)[] s_addedColumns =
    [
        ("jobs", "started_at", "TEXT"),
        ("jobs", "rows_before_run", "INTEGER NOT NULL DEFAULT 0"),
        ("checkpoints", "worker", "TEXT"),
        ("checkpoints", "device", "TEXT"),
        ("checkpoints", "batch_size", "INTEGER"),
        // A row error's key (its UDF input values, rendered); null in older rows.
        ("row_errors", "row_key", "TEXT"),
        // Computed rows that got a value, so a retry that filled nothing commits nothing.
        ("checkpoints", "rows_with_values", "INTEGER"),
    ];

    private readonly SqliteConnection _connection;

    private readonly string _tablePath;

    /// <summary>Added columns an older database opened read-only lacks (never migrated): read as their defaults.</summary>
    private readonly HashSet<string> _missingColumns = [];

    private CheckpointStore(SqliteConnection connection, string path, string tablePath)
    {
        _connection = connection;
        DatabasePath = path;
        _tablePath = tablePath;
    }

    public string DatabasePath { get; }

    public static string PathFor(string tablePath) => Path.Combine(tablePath, Folder, "geneva.db");

    public static CheckpointStore Open(string tablePath) => Open(tablePath, TimeSpan.FromSeconds(30));

    /// <param name="busyTimeout">How long a write waits for another process's lock before failing with DatabaseBusy.</param>
    internal static CheckpointStore Open(string tablePath, TimeSpan busyTimeout)
    {
        var path = PathFor(tablePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (IOException e)
        {
            throw StoreErrors.Map(e, path);
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");
            // One transaction, so a reader that opens the new file meanwhile sees every table or none.
            Execute(connection, "BEGIN IMMEDIATE;" + Schema + "COMMIT;");
            AddMissingColumns(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw StoreErrors.Map(e, path);
        }
        return new CheckpointStore(connection, path, tablePath);
    }

    /// <summary>
    /// Opens the database only to read it: nothing is created, migrated or written, so reading commands
    /// leave the table as it was and work on read-only media. A table without a database yet gets an
    /// empty one in memory. Without a <c>-wal</c> file nobody has the database open for writing, and a
    /// plain read-only connection would still create <c>-wal</c> and <c>-shm</c> (and, read-only, could
    /// not remove them), so it is opened immutable; with one (a writer is running, or was killed) the
    /// read-only connection shares the writer's files and sees its latest commits.
    /// </summary>
    public static CheckpointStore OpenReadOnly(string tablePath)
    {
        var path = PathFor(tablePath);
        if (!File.Exists(path))
        {
            return Empty(path, tablePath);
        }
        var immutable = !File.Exists(path + "-wal");
        while (true)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = immutable ? new Uri(path).AbsoluteUri + "?immutable=1" : path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            try
            {
                connection.Open();
                Execute(connection, "PRAGMA busy_timeout=30000;");
                if (!HasSchema(connection))
                {
                    // A writer has just created the file and not yet its tables: nothing is recorded yet.
                    connection.Dispose();
                    return Empty(path, tablePath);
                }
                var store = new CheckpointStore(connection, path, tablePath);
                store.FindMissingColumns();
                return store;
            }
            catch (SqliteException) when (!immutable)
            {
                // A leftover -wal on read-only media, whose -shm cannot be set up: read the main file alone.
                connection.Dispose();
                immutable = true;
            }
            catch (SqliteException e)
            {
                connection.Dispose();
                throw StoreErrors.Map(e, path);
            }
        }
    }

    /// <summary>An empty database in memory, for reading a table that has none (yet).</summary>
    private static CheckpointStore Empty(string path, string tablePath)
    {
        var memory = new SqliteConnection("Data Source=:memory:");
        memory.Open();
        Execute(memory, Schema);
        return new CheckpointStore(memory, path, tablePath);
    }

    private static bool HasSchema(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private void FindMissingColumns()
    {
        foreach (var (table, column, _) in s_addedColumns)
        {
            using var check = Command($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'");
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                _missingColumns.Add(column);
            }
        }
    }

    /// <summary>The column, or <paramref name="fallback"/> (its default) in an older database read without migrating.</summary>
    private string Column(string column, string fallback) => _missingColumns.Contains(column) ? fallback : column;

    private static void AddMissingColumns(SqliteConnection connection)
    {
        foreach (var (table, column, definition) in s_addedColumns)
        {
            using var check = connection.CreateCommand();
            check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    /// <summary>Runs a store operation, turning SQLite failures (busy, full, corrupt) into GenevaExceptions.</summary>
    private T Guarded<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Map(e, DatabasePath);
        }
    }

    private void Guarded(Action operation) => Guarded(() =>
    {
        operation();
        return true;
    });

    private bool HasTable(string table)
    {
        using var command = Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $t", ("$t", table));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(object value) =>
        value is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;

    public void Dispose() => _connection.Dispose();
}
