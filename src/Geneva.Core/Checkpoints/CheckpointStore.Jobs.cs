using System.Text.Json;
using Geneva.Core.Planning;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Checkpoints;

/// <summary>Jobs: their rows, runs, commits and status.</summary>
public sealed partial class CheckpointStore
{
    public void CreateJob(JobRecord job) => Guarded(() =>
    {
        using var command = Command("""
            INSERT INTO jobs(job_id, column_name, udf_name, udf_version, where_text, status, request_json,
                             table_version, created_at, process_id, host_name, heartbeat_at)
            VALUES($id, $column, $udf, $version, $where, $status, $request, $tableVersion, $created, $pid, $host, $created)
            """,
            ("$id", job.JobId), ("$column", job.Column), ("$udf", job.UdfName), ("$version", job.UdfVersion),
            ("$where", job.Where), ("$status", job.Status.ToString()), ("$request", JsonSerializer.Serialize(job.Request, GenevaJsonCanonical.Options)),
            ("$tableVersion", job.TableVersion), ("$created", Time(job.CreatedAt)),
            ("$pid", Environment.ProcessId), ("$host", Environment.MachineName));
        command.ExecuteNonQuery();
    });

    /// <summary>
    /// Marks a job running in this process (a fresh start or a resume) and sets its totals from the run's plan,
    /// so they continue the job's counts: the rows and fragments already committed stay counted, and the plan
    /// adds what is left (<paramref name="rowsToCompute"/> and <paramref name="fragmentsLeft"/>, of which saved
    /// checkpoints already hold <paramref name="rowsCheckpointed"/> rows). See <see cref="Execution.BackfillResult"/>.
    /// </summary>
    public void StartRun(string jobId, long tableVersion, long rowsToCompute, long rowsCheckpointed, int fragmentsLeft,
        string udfVersion) => Guarded(() =>
    {
        using var command = Command("""
            UPDATE jobs SET status = 'Running', table_version = $v, rows_planned = rows_committed + $rows,
                rows_checkpointed = rows_committed + $checkpointed, rows_before_run = rows_committed + $checkpointed,
                fragments_planned = fragments_committed + $frags,
                udf_version = $udfVersion, process_id = $pid, host_name = $host, heartbeat_at = $now, ended_at = NULL, error = NULL,
                started_at = $now
            WHERE job_id = $id
            """,
            ("$id", jobId), ("$v", tableVersion), ("$rows", rowsToCompute), ("$checkpointed", rowsCheckpointed),
            ("$frags", fragmentsLeft), ("$udfVersion", udfVersion), ("$pid", Environment.ProcessId),
            ("$host", Environment.MachineName), ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    });

    public void FinishJob(string jobId, JobStatus status, string? error) => Guarded(() =>
    {
        using var command = Command(
            "UPDATE jobs SET status = $status, error = $error, ended_at = $now, heartbeat_at = $now WHERE job_id = $id",
            ("$id", jobId), ("$status", status.ToString()), ("$error", error), ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    });

    /// <param name="uncounted">
    /// Rows another writer deleted meanwhile: computed, but never committed, so taken back out of the job's planned,
    /// checkpointed and computed rows (a done job's RowsCheckpointed stays its RowsPlanned).
    /// </param>
    public void RecordCommit(string jobId, int fragments, long rows, int retries, long uncounted = 0) => Guarded(() =>
    {
        using var command = Command("""
            UPDATE jobs SET fragments_committed = fragments_committed + $frags, rows_committed = rows_committed + $rows,
                commit_retries = commit_retries + $retries, udf_values_computed = udf_values_computed - $uncounted,
                rows_planned = rows_planned - $uncounted, rows_checkpointed = rows_checkpointed - $uncounted, heartbeat_at = $now
            WHERE job_id = $id
            """,
            ("$id", jobId), ("$frags", fragments), ("$rows", rows), ("$retries", retries), ("$uncounted", uncounted),
            ("$now", Time(DateTimeOffset.UtcNow)));
        command.ExecuteNonQuery();
    });

    public JobRecord? GetJob(string jobId) => Guarded(() => QueryJobs("WHERE job_id = $id", ("$id", jobId)).FirstOrDefault());

    public IReadOnlyList<JobRecord> ListJobs() => Guarded(() => QueryJobs("ORDER BY created_at"));

    private List<JobRecord> QueryJobs(string tail, params (string, object?)[] args)
    {
        var running = LiveLeases().Select(l => l.JobId).ToHashSet(StringComparer.Ordinal);
        using var command = Command($"""
            SELECT job_id, column_name, udf_name, udf_version, where_text, status, request_json, table_version,
                   created_at, ended_at, error, rows_planned, fragments_planned, rows_checkpointed, udf_values_computed,
                   checkpoints, fragments_committed, rows_committed, error_count, udf_seconds, checkpoint_seconds,
                   commit_retries, process_id, host_name, heartbeat_at, {Column("started_at", "NULL")}, {Column("rows_before_run", "0")}
            FROM jobs {tail}
            """, args);
        using var reader = command.ExecuteReader();
        var result = new List<JobRecord>();
        while (reader.Read())
        {
            var status = Enum.Parse<JobStatus>(reader.GetString(5));
            var pid = reader.GetInt32(22);
            var host = reader.IsDBNull(23) ? null : reader.GetString(23);
            if (status is JobStatus.Running or JobStatus.Pending && !running.Contains(reader.GetString(0)))
            {
                // No live lease: its holder stopped heartbeating (killed or crashed), whatever process has its id now.
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
                Request = ReadRequest(reader.GetString(6), reader.GetString(1), reader.IsDBNull(4) ? null : reader.GetString(4)),
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
        return result.Select(job => job with { Workers = WorkersOf(job).AsReadOnly() }).ToList();
    }

    /// <summary>
    /// The stored request; one that cannot be read (damaged, or from a build that wrote another shape)
    /// falls back to the job's column and filter, kept in their own columns, so listing jobs never fails on it.
    /// </summary>
    private static BackfillRequest ReadRequest(string json, string column, string? where)
    {
        try
        {
            return JsonSerializer.Deserialize<BackfillRequest>(json, GenevaJsonCanonical.Options) ?? new BackfillRequest { Column = column, Where = where };
        }
        catch (JsonException)
        {
            return new BackfillRequest { Column = column, Where = where };
        }
    }
}
