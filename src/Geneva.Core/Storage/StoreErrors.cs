using Microsoft.Data.Sqlite;

namespace Geneva.Core.Storage;

/// <summary>
/// Turns the storage failures a user can act on (a database another process keeps locked, a full
/// disk, a damaged database) into <see cref="GenevaException"/>s with a code, so they reach the
/// user as error records rather than raw exceptions. The original stays the inner exception.
/// </summary>
internal static class StoreErrors
{
    // SQLite primary result codes (the low byte of extended codes).
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteCorrupt = 11, SqliteFull = 13, SqliteNotADatabase = 26;

    // ENOSPC and EDQUOT on Linux and macOS; ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL on Windows.
    private static readonly int[] s_diskFull = OperatingSystem.IsWindows()
        ? [unchecked((int)0x80070027), unchecked((int)0x80070070)]
        : OperatingSystem.IsMacOS() ? [28, 69] : [28, 122];

    public static GenevaException Map(SqliteException e, string databasePath) => (e.SqliteErrorCode & 0xFF) switch
    {
        SqliteBusy or SqliteLocked => new GenevaException(GenevaErrorCode.DatabaseBusy,
            $"The checkpoint database '{databasePath}' stayed locked by another process for longer than the busy timeout; " +
            $"try again when it is done ({e.Message}).", databasePath, e),
        SqliteFull => DiskFull(databasePath, e),
        SqliteCorrupt or SqliteNotADatabase => new GenevaException(GenevaErrorCode.CheckpointCorrupt,
            $"The checkpoint database '{databasePath}' is damaged: {e.Message}", databasePath, e),
        _ => new GenevaException(GenevaErrorCode.StorageUnavailable,
            $"The checkpoint database '{databasePath}' cannot be used: {e.Message}", databasePath, e),
    };

    public static bool IsDiskFull(IOException e) => s_diskFull.Contains(e.HResult);

    /// <summary>A disk-full failure as DiskFull; any other I/O failure as StorageUnavailable.</summary>
    public static GenevaException Map(IOException e, string path) => IsDiskFull(e)
        ? DiskFull(path, e)
        : new GenevaException(GenevaErrorCode.StorageUnavailable, $"Could not write '{path}': {e.Message}", path, e);

    private static GenevaException DiskFull(string path, Exception e) => new(GenevaErrorCode.DiskFull,
        $"The disk holding '{path}' is full; free some space and run again (saved work is kept).", path, e);
}
