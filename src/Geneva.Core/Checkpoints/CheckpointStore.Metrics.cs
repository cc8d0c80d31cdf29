namespace Geneva.Core.Checkpoints;

/// <summary>Per-worker metrics, read from the checkpoints of a job's latest run.</summary>
public sealed partial class CheckpointStore
{
    /// <summary>
    /// Per-worker metrics of a job's latest run, from its checkpoints since the run began. Rows and checkpoint sizes
    /// count computed rows, as the job's counters and the adaptive sizer do.
    /// </summary>
    private List<WorkerMetrics> WorkersOf(JobRecord job)
    {
        if (job.StartedAt is not { } started || _missingColumns.Contains("worker"))
        {
            return [];
        }
        using var command = Command($"""
            SELECT worker, COUNT(*), SUM(rows_computed), SUM(udf_seconds), MAX(created_at),
                   (SELECT rows_computed FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
                    ORDER BY created_at DESC, rowid DESC LIMIT 1),
                   (SELECT udf_seconds + write_seconds FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
                    ORDER BY created_at DESC, rowid DESC LIMIT 1),
                   MAX({Column("device", "NULL")}),
                   (SELECT {Column("batch_size", "NULL")} FROM checkpoints l WHERE l.job_id = c.job_id AND l.worker IS c.worker
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
}
