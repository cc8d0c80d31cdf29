using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// The table's job and checkpoint database, <c>_geneva/geneva.db</c> (SQLite, WAL). A checkpoint
/// counts once its receipt's transaction commits here; synchronous=NORMAL keeps that durable
/// across a killed process (not across power loss), at about 0.1 ms a commit.
/// One writer process at a time per job (the coordinator); readers may be any session.
/// </summary>
public sealed class CheckpointStore : IDisposable
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
            write_seconds REAL NOT NULL, created_at TEXT NOT NULL, worker TEXT, device TEXT, batch_size INTEGER,
            PRIMARY KEY(fragment_key, row_start));
        CREATE TABLE IF NOT EXISTS row_errors(
            id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL,
            row_offset INTEGER NOT NULL, attempt INTEGER NOT NULL, error_type TEXT NOT NULL,
            message TEXT NOT NULL, action TEXT NOT NULL, created_at TEXT NOT NULL);
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
        // Issue 9 item 12: a row error's key (its UDF input values, rendered); null in older rows.
        ("row_errors", "row_key", "TEXT"),
    ];

    private readonly SqliteConnection _connection;

    private readonly string _tablePath;

    private CheckpointStore(SqliteConnection connection, string path, string tablePath)
    {
        _connection = connection;
        DatabasePath = path;
        _tablePath = tablePath;
    }

    public string DatabasePath { get; }

    public static string PathFor(string tablePath) => Path.Combine(tablePath, Folder, "geneva.db");

    public static CheckpointStore Open(string tablePath)
    {
        var path = PathFor(tablePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;");
            Execute(connection, Schema);
            AddMissingColumns(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new GenevaException(GenevaErrorCode.CheckpointCorrupt,
                $"The checkpoint database '{path}' cannot be opened: {e.Message}", path, e);
        }
        return new CheckpointStore(connection, path, tablePath);
    }

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

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(object value) =>
        value is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;

    public void CreateJob(JobRecord job)
    {
        using var command = Command("""
            INSERT INTO jobs(job_id, column_name, udf_name, udf_version, where_text, status, request_json,
                             table_version, created_at, process_id, host_name, heartbeat_at)
            VALUES($id, $column, $udf, $version, $where, $status, $request, $tableVersion, $created, $pid, $host, $created)
            """,
            ("$id", job.JobId), ("$column", job.Column), ("$udf", job.UdfName), ("$version", job.UdfVersion),
            ("$where", job.Where), ("$status", job.Status.ToString()), ("$request", job.RequestJson),
            ("$tableVersion", job.TableVersion), ("$created", Time(job.CreatedAt)),
            ("$pid", Environment.ProcessId), ("$host", Environment.MachineName));
        command.ExecuteNonQuery();
    }

    /// <summary>Marks a job running in this process (a fresh start or a resume) with its plan's totals.</summary>
    public void StartRun(string jobId, long tableVersion, long rowsPlanned, int fragmentsPlanned, string udfVersion)
    {
        using var command = Command("""
            UPDATE jobs SET status = 'Running', table_version = $v, rows_planned = $rows, fragments_planned = $frags,
                udf_version = $udfVersion, process_id = $pid, host_name = $host, heartbeat_at = $now, ended_at = NULL, error = NULL,
                started_at = $now, rows_before_run = rows_checkpointed
            WHERE job_id = $id
            """,
            ("$id", jobId), ("$v", tableVersion), ("$rows", rowsPlanned), ("$frags", fragmentsPlanned),
            ("$udfVersion", udfVersion), ("$pid", Environment.ProcessId), ("$host", Environment.MachineName),
            ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    }

    public void FinishJob(string jobId, JobStatus status, string? error)
    {
        using var command = Command(
            "UPDATE jobs SET status = $status, error = $error, ended_at = $now, heartbeat_at = $now WHERE job_id = $id",
            ("$id", jobId), ("$status", status.ToString()), ("$error", error), ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    }

    /// <summary>Records a receipt, its row errors and the job's counters in one transaction: the checkpoint.</summary>
    public void Record(string jobId, CheckpointReceipt receipt)
    {
        using var transaction = _connection.BeginTransaction();
        using (var insert = Command("""
            INSERT OR REPLACE INTO checkpoints(fragment_key, row_start, row_count, batch_rows, job_id, fragment_id, file, bytes,
                checksum, rows_computed, udf_seconds, write_seconds, created_at, worker, device, batch_size)
            VALUES($key, $start, $count, $batchRows, $job, $fragment, $file, $bytes, $checksum, $computed, $udf, $write, $now, $worker, $device,
                   $batchSize)
            """,
            ("$key", receipt.FragmentKey), ("$start", receipt.RowStart), ("$count", receipt.RowCount), ("$batchRows", receipt.BatchRows),
            ("$job", jobId), ("$fragment", receipt.FragmentId), ("$file", receipt.File), ("$bytes", receipt.Bytes),
            ("$checksum", receipt.Checksum), ("$computed", receipt.RowsComputed), ("$udf", receipt.UdfSeconds),
            ("$write", receipt.WriteSeconds), ("$now", Time(DateTimeOffset.UtcNow)), ("$worker", receipt.Worker),
            ("$device", receipt.Device), ("$batchSize", receipt.BatchSize)))
        {
            insert.Transaction = transaction;
            insert.ExecuteNonQuery();
        }
        foreach (var error in receipt.Errors)
        {
            InsertRowError(error, transaction);
        }
        using (var update = Command("""
            UPDATE jobs SET rows_checkpointed = rows_checkpointed + $rows, udf_values_computed = udf_values_computed + $computed,
                checkpoints = checkpoints + 1, error_count = error_count + $errors, udf_seconds = udf_seconds + $udf,
                checkpoint_seconds = checkpoint_seconds + $write, heartbeat_at = $now
            WHERE job_id = $job
            """,
            ("$job", jobId), ("$rows", receipt.RowCount), ("$computed", receipt.RowsComputed),
            ("$errors", receipt.Errors.Count), ("$udf", receipt.UdfSeconds), ("$write", receipt.WriteSeconds),
            ("$now", Time(DateTimeOffset.UtcNow))))
        {
            update.Transaction = transaction;
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Records errors that end a job without a checkpoint (a row that failed the job).</summary>
    public void RecordErrors(IReadOnlyList<RowError> errors)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var error in errors)
        {
            InsertRowError(error, transaction);
            using var update = Command("UPDATE jobs SET error_count = error_count + 1 WHERE job_id = $job", ("$job", error.JobId));
            update.Transaction = transaction;
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private void InsertRowError(RowError error, SqliteTransaction transaction)
    {
        using var insert = Command("""
            INSERT INTO row_errors(job_id, fragment_id, row_offset, attempt, error_type, message, action, created_at, row_key)
            VALUES($job, $fragment, $row, $attempt, $type, $message, $action, $at, $key)
            """,
            ("$job", error.JobId), ("$fragment", error.FragmentId), ("$row", error.RowOffset), ("$attempt", error.Attempt),
            ("$type", error.ErrorType), ("$message", error.Message), ("$action", error.Action), ("$at", Time(error.At)),
            ("$key", error.Key));
        insert.Transaction = transaction;
        insert.ExecuteNonQuery();
    }

    public void RecordCommit(string jobId, int fragments, long rows, int retries)
    {
        using var command = Command("""
            UPDATE jobs SET fragments_committed = fragments_committed + $frags, rows_committed = rows_committed + $rows,
                commit_retries = commit_retries + $retries, heartbeat_at = $now
            WHERE job_id = $id
            """,
            ("$id", jobId), ("$frags", fragments), ("$rows", rows), ("$retries", retries), ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<CheckpointReceipt> ForFragment(string fragmentKey) =>
        QueryReceipts("WHERE fragment_key = $key ORDER BY row_start", ("$key", fragmentKey));

    /// <summary>Every checkpoint of a job in the order they were made: the adaptive sizer's ramp.</summary>
    public IReadOnlyList<CheckpointReceipt> ForJob(string jobId) =>
        QueryReceipts("WHERE job_id = $job ORDER BY created_at, rowid", ("$job", jobId));

    /// <summary>The smallest device batch size any UDF instance of the job fell back to, so a resumed run starts there.</summary>
    public int? LearnedBatchSize(string jobId)
    {
        using var command = Command("SELECT MIN(batch_size) FROM checkpoints WHERE job_id = $job", ("$job", jobId));
        return command.ExecuteScalar() is long n ? (int)n : null;
    }

    private List<CheckpointReceipt> QueryReceipts(string tail, params (string, object?)[] args)
    {
        using var command = Command($"""
            SELECT fragment_key, fragment_id, row_start, row_count, batch_rows, file, bytes, checksum, rows_computed, udf_seconds, write_seconds, worker
            FROM checkpoints {tail}
            """, args);
        using var reader = command.ExecuteReader();
        var result = new List<CheckpointReceipt>();
        while (reader.Read())
        {
            result.Add(new CheckpointReceipt(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.GetInt32(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetInt32(8),
                reader.GetDouble(9), reader.GetDouble(10), [], reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return result;
    }

    public JobRecord? GetJob(string jobId) => QueryJobs("WHERE job_id = $id", ("$id", jobId)).FirstOrDefault();

    public IReadOnlyList<JobRecord> ListJobs() => QueryJobs("ORDER BY created_at");

    private List<JobRecord> QueryJobs(string tail, params (string, object?)[] args)
    {
        using var command = Command($"""
            SELECT job_id, column_name, udf_name, udf_version, where_text, status, request_json, table_version,
                   created_at, ended_at, error, rows_planned, fragments_planned, rows_checkpointed, udf_values_computed,
                   checkpoints, fragments_committed, rows_committed, error_count, udf_seconds, checkpoint_seconds,
                   commit_retries, process_id, host_name, heartbeat_at, started_at, rows_before_run
            FROM jobs {tail}
            """, args);
        using var reader = command.ExecuteReader();
        var result = new List<JobRecord>();
        while (reader.Read())
        {
            var status = Enum.Parse<JobStatus>(reader.GetString(5));
            var pid = reader.GetInt32(22);
            var host = reader.IsDBNull(23) ? null : reader.GetString(23);
            if (status == JobStatus.Running && !IsAlive(pid, host))
            {
                status = JobStatus.Interrupted;
            }
            result.Add(new JobRecord
            {
                JobId = reader.GetString(0),
                TablePath = _tablePath,
                Column = reader.GetString(1),
                UdfName = reader.GetString(2),
                UdfVersion = reader.GetString(3),
                Where = reader.IsDBNull(4) ? null : reader.GetString(4),
                Status = status,
                RequestJson = reader.GetString(6),
                TableVersion = reader.GetInt64(7),
                CreatedAt = ParseTime(reader.GetValue(8))!.Value,
                EndedAt = ParseTime(reader.GetValue(9)),
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
                RowsPlanned = reader.GetInt64(11),
                FragmentsPlanned = reader.GetInt32(12),
                RowsCheckpointed = reader.GetInt64(13),
                UdfValuesComputed = reader.GetInt64(14),
                Checkpoints = reader.GetInt32(15),
                FragmentsCommitted = reader.GetInt32(16),
                RowsCommitted = reader.GetInt64(17),
                ErrorCount = reader.GetInt64(18),
                UdfSeconds = reader.GetDouble(19),
                CheckpointSeconds = reader.GetDouble(20),
                CommitRetries = reader.GetInt32(21),
                ProcessId = pid,
                HostName = host,
                HeartbeatAt = ParseTime(reader.GetValue(24)),
                StartedAt = ParseTime(reader.GetValue(25)),
                RowsBeforeRun = reader.GetInt64(26),
            });
        }
        return result.Select(job => job with { Workers = WorkersOf(job) }).ToList();
    }

    /// <summary>Per-worker metrics of a job's latest run, from its checkpoints since the run began.</summary>
    private List<WorkerMetrics> WorkersOf(JobRecord job)
    {
        if (job.StartedAt is not { } started)
        {
            return [];
        }
        using var command = Command("""
            SELECT worker, COUNT(*), SUM(row_count), SUM(udf_seconds), MAX(created_at),
                   (SELECT row_count FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
                    ORDER BY created_at DESC, rowid DESC LIMIT 1),
                   (SELECT udf_seconds + write_seconds FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
                    ORDER BY created_at DESC, rowid DESC LIMIT 1),
                   MAX(device),
                   (SELECT batch_size FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
                    ORDER BY created_at DESC, rowid DESC LIMIT 1)
            FROM checkpoints c WHERE job_id = $job AND created_at >= $started
            GROUP BY worker ORDER BY worker
            """, ("$job", job.JobId), ("$started", Time(started)));
        using var reader = command.ExecuteReader();
        var result = new List<WorkerMetrics>();
        while (reader.Read())
        {
            result.Add(new WorkerMetrics(reader.IsDBNull(0) ? "in-process" : reader.GetString(0), reader.GetInt32(1),
                reader.GetInt64(2), reader.GetInt32(5), reader.GetDouble(6), reader.GetDouble(3),
                ParseTime(reader.GetValue(4))!.Value, reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8)));
        }
        return result;
    }

    /// <summary>
    /// Whether the process that recorded itself as running a job still exists. Only knowable for
    /// jobs of this host; others are taken as alive.
    /// </summary>
    private static bool IsAlive(int pid, string? host)
    {
        if (host is not null && !string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public IReadOnlyList<RowError> ListErrors(string? jobId)
    {
        using var command = Command(
            "SELECT job_id, fragment_id, row_offset, attempt, error_type, message, action, created_at, row_key FROM row_errors " +
            (jobId is null ? "" : "WHERE job_id = $job ") + "ORDER BY id",
            ("$job", jobId));
        using var reader = command.ExecuteReader();
        var result = new List<RowError>();
        while (reader.Read())
        {
            result.Add(new RowError(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), ParseTime(reader.GetValue(7))!.Value,
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return result;
    }

    public void Dispose() => _connection.Dispose();
}
