namespace Geneva.Core.Checkpoints;

/// <summary>
/// The lease rows (see <see cref="JobLease"/>): one per column being computed, naming the job and
/// its holder, taken with a compare-and-set and kept alive by heartbeats. A job recorded as running
/// whose lease is gone or expired is interrupted, whatever process now has its old process id.
/// </summary>
public sealed partial class CheckpointStore
{
    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMilliseconds(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>
    /// Takes <paramref name="resource"/> for <paramref name="holder"/> unless another holder's lease on it
    /// is live: one IMMEDIATE transaction reads and writes, so two callers cannot both win. Returns null
    /// when taken, else the live holder.
    /// </summary>
    internal LeaseHolder? TryTakeLease(string resource, string jobId, string column, string holder, TimeSpan expiry) => Guarded(() =>
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var now = Now();
        using (var read = Command($"SELECT {LeaseColumns} FROM leases WHERE resource = $r", ("$r", resource)))
        {
            read.Transaction = transaction;
            using var reader = read.ExecuteReader();
            if (reader.Read() && ReadLease(reader) is { } other && other.Holder != holder && other.IsLive(FromMilliseconds(now)))
            {
                return other;
            }
        }
        using (var write = Command("""
            INSERT OR REPLACE INTO leases(resource, job_id, column_name, holder, acquired_at, heartbeat_at, expires_at)
            VALUES($r, $job, $column, $holder, $now, $now, $expires)
            """, ("$r", resource), ("$job", jobId), ("$column", column), ("$holder", holder), ("$now", now),
                   ("$expires", now + (long)expiry.TotalMilliseconds)))
        {
            write.Transaction = transaction;
            write.ExecuteNonQuery();
        }
        transaction.Commit();
        return null;
    });

    /// <summary>Pushes a held lease's expiry forward; false when it is no longer this holder's (taken over after expiring).</summary>
    internal bool RenewLease(string resource, string holder, TimeSpan expiry)
    {
        var now = Now();
        using var command = Command(
            "UPDATE leases SET heartbeat_at = $now, expires_at = $expires WHERE resource = $r AND holder = $holder",
            ("$r", resource), ("$holder", holder), ("$now", now), ("$expires", now + (long)expiry.TotalMilliseconds));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Gives a lease up, only if this holder still has it.</summary>
    internal void ReleaseLease(string resource, string holder)
    {
        using var command = Command("DELETE FROM leases WHERE resource = $r AND holder = $holder", ("$r", resource), ("$holder", holder));
        command.ExecuteNonQuery();
    }

    private const string LeaseColumns = "job_id, column_name, holder, acquired_at, heartbeat_at, expires_at";

    private static LeaseHolder ReadLease(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), FromMilliseconds(reader.GetInt64(3)),
            FromMilliseconds(reader.GetInt64(4)), FromMilliseconds(reader.GetInt64(5)));

    /// <summary>The live leases (see <see cref="LeaseHolder.IsLive"/>): the jobs running now, on this machine or another.</summary>
    internal IReadOnlyList<LeaseHolder> LiveLeases()
    {
        if (!HasTable("leases"))
        {
            return [];
        }
        var now = Now();
        using var command = Command($"SELECT {LeaseColumns} FROM leases WHERE expires_at > $now", ("$now", now));
        using var reader = command.ExecuteReader();
        var result = new List<LeaseHolder>();
        while (reader.Read())
        {
            var lease = ReadLease(reader);
            if (lease.IsLive(FromMilliseconds(now)))
            {
                result.Add(lease);
            }
        }
        return result;
    }
}
