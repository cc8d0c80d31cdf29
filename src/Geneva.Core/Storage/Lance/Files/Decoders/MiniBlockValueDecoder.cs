using System.Runtime.CompilerServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Decodes the values of mini-block chunks in one value compression (Lance's MiniBlockDecompressor). A chunk
/// holds <c>chunkValues</c> values in <see cref="BufferCount"/> buffers; a decoder writes values [a, b) of it.
/// One decoder serves a page, from any thread (scratch space is per thread). Bad bytes throw DataFileCorrupt
/// naming the file and column, never an IndexOutOfRange.
/// </summary>
internal abstract class MiniBlockValueDecoder
{
    protected MiniBlockValueDecoder(string path, string column)
    {
        Path = path;
        Column = column;
    }

    public string Path { get; }

    public string Column { get; }

    /// <summary>Buffers a chunk holds (the layout's num_buffers).</summary>
    public abstract int BufferCount { get; }

    /// <summary>What it decodes, for the bench and for messages (e.g. "inline-bitpacking(32)").</summary>
    public abstract string Name { get; }

    /// <summary>Bytes of one decoded fixed-width value (0 when it decodes variable-width values or bits).</summary>
    public virtual int ValueBytes => 0;

    /// <summary>Writes values [a, b) of the chunk to <paramref name="destination"/>, <see cref="ValueBytes"/> each.</summary>
    public virtual void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination) =>
        throw new InvalidOperationException($"{Name} does not decode fixed-width values.");

    /// <summary>Appends values [a, b) of the chunk to <paramref name="builder"/> (fixed width: straight into its buffer).</summary>
    public virtual void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        var rows = b - a;
        DecodeFixed(buffers, chunkValues, a, b, builder.FixedDestination(rows));
        builder.Advance(rows);
    }

    protected GenevaException Corrupt(string problem) => LanceFileErrors.Corrupt(Path, Column, problem);

    protected void CheckBuffers(scoped in MiniBlockBuffers buffers)
    {
        if (buffers.Count != BufferCount)
        {
            throw Corrupt($"a mini-block chunk of {Name} values has {buffers.Count} buffers, not {BufferCount}");
        }
    }

    protected static int Pad(int n, int to) => (n + to - 1) / to * to;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static void CheckRange(int chunkValues, int a, int b)
    {
        if ((uint)a > (uint)b || b > chunkValues)
        {
            throw new ArgumentOutOfRangeException(nameof(b), $"Values [{a}, {b}) are outside a chunk of {chunkValues}.");
        }
    }
}
