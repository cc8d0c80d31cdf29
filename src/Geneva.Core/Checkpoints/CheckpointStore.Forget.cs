namespace Geneva.Core.Checkpoints;

/// <summary>Forgetting a removed column's jobs, so none can be resumed onto a column that is gone (or a new one of that name).</summary>
public sealed partial class CheckpointStore
{
    /// <summary>
    /// Deletes the jobs that computed <paramref name="columns"/> (names, any case), with their checkpoint
    /// receipts and row errors, in one transaction. Returns the jobs' ids and the checkpoint files the
    /// receipts named (relative to the table), which the caller deletes once this has committed.
    /// </summary>
    public (IReadOnlyList<string> Jobs, IReadOnlyList<string> Files) ForgetColumns(IReadOnlyCollection<string> columns) => Guarded(() =>
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var jobs = new List<string>();
        using (var select = Command("SELECT job_id, column_name FROM jobs"))
        {
            select.Transaction = transaction;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                if (columns.Contains(reader.GetString(1), StringComparer.OrdinalIgnoreCase))
                {
                    jobs.Add(reader.GetString(0));
                }
            }
        }
        var files = new List<string>();
        foreach (var job in jobs)
        {
            using (var select = Command("SELECT file FROM checkpoints WHERE job_id = $job", ("$job", job)))
            {
                select.Transaction = transaction;
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    files.Add(reader.GetString(0));
                }
            }
            foreach (var table in new[] { "checkpoints", "row_errors", "jobs" })
            {
                using var delete = Command($"DELETE FROM {table} WHERE job_id = $job", ("$job", job));
                delete.Transaction = transaction;
                delete.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return ((IReadOnlyList<string>)jobs, (IReadOnlyList<string>)files);
    });
}
