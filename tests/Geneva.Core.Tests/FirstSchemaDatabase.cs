using Geneva.Core.Checkpoints;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Tests;

/// <summary>
/// A job database as the first schema wrote it (no started_at, worker, batch_size, row_key,
/// rows_with_values or leases), for tests of reading and migrating older databases.
/// </summary>
internal static class FirstSchemaDatabase
{
    private const string Schema = """
        CREATE TABLE jobs(job_id TEXT PRIMARY KEY, column_name TEXT NOT NULL, udf_name TEXT NOT NULL, udf_version TEXT NOT NULL,
            where_text TEXT, status TEXT NOT NULL, request_json TEXT NOT NULL, table_version INTEGER NOT NULL,
            created_at TEXT NOT NULL, ended_at TEXT, error TEXT,
            rows_planned INTEGER NOT NULL DEFAULT 0, fragments_planned INTEGER NOT NULL DEFAULT 0,
            rows_checkpointed INTEGER NOT NULL DEFAULT 0, udf_values_computed INTEGER NOT NULL DEFAULT 0,
            checkpoints INTEGER NOT NULL DEFAULT 0, fragments_committed INTEGER NOT NULL DEFAULT 0,
            rows_committed INTEGER NOT NULL DEFAULT 0, error_count INTEGER NOT NULL DEFAULT 0,
            udf_seconds REAL NOT NULL DEFAULT 0, checkpoint_seconds REAL NOT NULL DEFAULT 0,
            commit_retries INTEGER NOT NULL DEFAULT 0, process_id INTEGER NOT NULL DEFAULT 0, host_name TEXT, heartbeat_at TEXT);
        CREATE TABLE checkpoints(fragment_key TEXT NOT NULL, row_start INTEGER NOT NULL, row_count INTEGER NOT NULL,
            batch_rows INTEGER NOT NULL, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL, file TEXT NOT NULL,
            bytes INTEGER NOT NULL, checksum TEXT NOT NULL, rows_computed INTEGER NOT NULL, udf_seconds REAL NOT NULL,
            write_seconds REAL NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(fragment_key, row_start));
        CREATE TABLE row_errors(id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL,
            row_offset INTEGER NOT NULL, attempt INTEGER NOT NULL, error_type TEXT NOT NULL,
            message TEXT NOT NULL, action TEXT NOT NULL, created_at TEXT NOT NULL);
        """;

    /// <summary>Creates <paramref name="tablePath"/>'s database with the first schema, then runs <paramref name="rowsSql"/> (its rows).</summary>
    public static void Create(string tablePath, string rowsSql)
    {
        var path = CheckpointStore.PathFor(tablePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Schema + rowsSql;
        command.ExecuteNonQuery();
    }

    /// <summary>A job row with the given status, request JSON and rows checkpointed.</summary>
    public static string Job(string status, string requestJson, long rowsCheckpointed) => $"""
        INSERT INTO jobs(job_id, column_name, udf_name, udf_version, status, request_json, table_version, created_at, rows_checkpointed)
        VALUES('old', 'c', 'u', 'v', '{status}', '{requestJson}', 1, '2026-01-01T00:00:00.0000000+00:00', {rowsCheckpointed});
        """;

    /// <summary>A row error of job 'old' at fragment 2, row 7.</summary>
    public const string RowError = """
        INSERT INTO row_errors(job_id, fragment_id, row_offset, attempt, error_type, message, action, created_at)
        VALUES('old', 2, 7, 1, 'System.Exception', 'old failure', 'Skip', '2026-01-01T00:00:00.0000000+00:00');
        """;
}
