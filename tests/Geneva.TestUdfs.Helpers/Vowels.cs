namespace Geneva.TestUdfs.Helpers;

/// <summary>Counts vowels; lives in its own assembly only so that a UDF depends on one.</summary>
public static class Vowels
{
    public static int Count(string text) => text.Count(c => "aeiouAEIOU".Contains(c));
}
