namespace Geneva.Core.Storage;

/// <summary>Removes files no version or receipt needs any more; a file that cannot be removed now is left for orphan collection.</summary>
internal static class StoreCleanup
{
    public static void Delete(string tablePath, IEnumerable<string> relativePaths)
    {
        foreach (var relative in relativePaths)
        {
            try
            {
                File.Delete(Path.Combine(tablePath, relative));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Harmless: nothing refers to it.
            }
        }
    }
}
