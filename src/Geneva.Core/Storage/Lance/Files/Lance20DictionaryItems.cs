namespace Geneva.Core.Storage.Lance.Files;

/// <summary>The distinct values of a 2.0 dictionary page: item k is <c>Bytes[Starts[k]..Starts[k + 1]]</c>, or null.</summary>
internal sealed class Lance20DictionaryItems(long[] starts, bool[] valid, byte[] bytes)
{
    public long[] Starts { get; } = starts;

    public bool[] Valid { get; } = valid;

    public byte[] Bytes { get; } = bytes;

    public int Count => Valid.Length;
}
