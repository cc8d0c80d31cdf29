using Microsoft.Data.Sqlite;

namespace Geneva.Core.Checkpoints;

/// <summary>Receipts (the checkpoints) and the row errors they carry.</summary>
public sealed partial class CheckpointStore
{
    /// <summary>
    /// Records a receipt, its row errors and the job's counters in one transaction: the checkpoint. Its computed rows
    /// (not the rows of its range, which include rows it only copies) count as checkpointed.
    /// </summary>
    public void Record(string jobId, CheckpointReceipt receipt) => Guarded(() =>
    {
        using var transaction = _connection.BeginTransaction();
        using (var insert = Command("""
            INSERT OR REPLACE INTO checkpoints(fragment_key, row_start, row_count, batch_rows, job_id, fragment_id, file, bytes,
                checksum, rows_computed, udf_seconds, write_seconds, created_at, worker, device, batch_size, rows_with_values)
            VALUES($key, $start, $count, $batchRows, $job, $fragment, $file, $bytes, $checksum, $computed, $udf, $write, $now, $worker, $device,
                   $batchSize, $withValues)
            """,
            ("$key", receipt.FragmentKey), ("$start", receipt.RowStart), ("$count", receipt.RowCount), ("$batchRows", receipt.BatchRows),
            ("$job", jobId), ("$fragment", receipt.FragmentId), ("$file", receipt.File), ("$bytes", receipt.Bytes),
            ("$checksum", receipt.Checksum), ("$computed", receipt.RowsComputed), ("$udf", receipt.UdfSeconds),
            ("$write", receipt.WriteSeconds), ("$now", Time(DateTimeOffset.UtcNow)), ("$worker", receipt.Worker),
            ("$device", receipt.Device), ("$batchSize", receipt.BatchSize), ("$withValues", receipt.RowsWithValues)))
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
            ("$job", jobId), ("$rows", receipt.RowsComputed), ("$computed", receipt.RowsComputed),
            ("$errors", receipt.Errors.Count), ("$udf", receipt.UdfSeconds), ("$write", receipt.WriteSeconds),
            ("$now", Time(DateTimeOffset.UtcNow))))
        {
            update.Transaction = transaction;
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    });

    /// <summary>Records errors that end a job without a checkpoint (a row that failed the job).</summary>
    public void RecordErrors(IReadOnlyList<RowError> errors) => Guarded(() =>
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
    });

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

    public IReadOnlyList<CheckpointReceipt> ForFragment(string fragmentKey) => Guarded(() =>
        QueryReceipts("WHERE fragment_key = $key ORDER BY row_start", ("$key", fragmentKey)));

    /// <summary>Every checkpoint of a job in the order they were made: the adaptive sizer's ramp.</summary>
    public IReadOnlyList<CheckpointReceipt> ForJob(string jobId) => Guarded(() =>
        QueryReceipts("WHERE job_id = $job ORDER BY created_at, rowid", ("$job", jobId)));

    /// <summary>Every checkpoint file a receipt names (relative to the table).</summary>
    internal IReadOnlyList<string> ReceiptFiles() => Guarded(() =>
    {
        using var command = Command("SELECT DISTINCT file FROM checkpoints");
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            result.Add(reader.GetString(0));
        }
        return result;
    });

    /// <summary>The smallest device batch size any UDF instance of the job fell back to, so a resumed run starts there.</summary>
    public int? LearnedBatchSize(string jobId) => Guarded<int?>(() =>
    {
        if (_missingColumns.Contains("batch_size"))
        {
            return null;
        }
        using var command = Command("SELECT MIN(batch_size) FROM checkpoints WHERE job_id = $job", ("$job", jobId));
        return command.ExecuteScalar() is long n ? (int)n : null;
    });

    private List<CheckpointReceipt> QueryReceipts(string tail, params (string, object?)[] args)
    {
        using var command = Command($"""
            SELECT fragment_key, fragment_id, row_start, row_count, batch_rows, file, bytes, checksum, rows_computed, udf_seconds, write_seconds, {Column("worker", "NULL")},
                {Column("rows_with_values", "NULL")}
            FROM checkpoints {tail}
            """, args);
        using var reader = command.ExecuteReader();
        var result = new List<CheckpointReceipt>();
        while (reader.Read())
        {
            result.Add(new CheckpointReceipt(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.GetInt32(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetInt32(8),
                reader.GetDouble(9), reader.GetDouble(10), [], reader.IsDBNull(11) ? null : reader.GetString(11),
                RowsWithValues: reader.IsDBNull(12) ? null : reader.GetInt32(12)));
        }
        return result;
    }

    public IReadOnlyList<RowError> ListErrors(string? jobId) => Guarded(() =>
    {
        using var command = Command(
            $"SELECT job_id, fragment_id, row_offset, attempt, error_type, message, action, created_at, {Column("row_key", "NULL")} FROM row_errors " +
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
    });
}
