using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// FSST decompression over spans, no allocation. Each code writes its whole 8-byte symbol with one unaligned
/// store and advances by the symbol's length, so an output needs <see cref="Slack"/> bytes of room past the
/// last decoded byte for the fast path; near the end of a tight output the decoder falls back to exact writes.
/// Codes the table does not define, an escape with no byte after it and bad offsets throw DataFileCorrupt.
/// </summary>
internal static class FsstDecoder
{
    /// <summary>Bytes past the decoded output an 8-byte symbol store may touch.</summary>
    public const int Slack = 8;

    /// <summary>An upper bound of the decoded size of <paramref name="compressedLength"/> bytes (8 a code), plus <see cref="Slack"/>.</summary>
    public static long MaxDecompressedLength(long compressedLength) => compressedLength * 8 + Slack;

    /// <summary>The exact decoded size of <paramref name="compressed"/> (one table look-up a code).</summary>
    public static long DecompressedLength(FsstSymbolTable table, ReadOnlySpan<byte> compressed)
    {
        if (!table.IsCompressed)
        {
            return compressed.Length;
        }
        var lengths = table.Lengths;
        long total = 0;
        var i = 0;
        while (i < compressed.Length)
        {
            var code = compressed[i];
            if (code == FsstSymbolTable.Escape)
            {
                total++;
                i += 2;
            }
            else
            {
                total += lengths[code];
                i++;
            }
        }
        return total;
    }

    /// <summary>
    /// Decodes one value into <paramref name="output"/> and returns its length. An output too small for the value
    /// throws ArgumentException: size it with <see cref="MaxDecompressedLength"/> or <see cref="DecompressedLength"/>.
    /// </summary>
    public static int Decompress(FsstSymbolTable table, ReadOnlySpan<byte> compressed, Span<byte> output)
    {
        if (!TryDecompress(table, compressed, output, out var written))
        {
            throw new ArgumentException($"The output of {output.Length} bytes is too small for the FSST value.", nameof(output));
        }
        return written;
    }

    /// <summary>Decodes one value; false (and nothing promised about <paramref name="output"/>) when it does not fit.</summary>
    public static bool TryDecompress(FsstSymbolTable table, ReadOnlySpan<byte> compressed, Span<byte> output, out int written)
    {
        written = 0;
        var bad = 0;
        var end = Run(table, compressed, 0, compressed.Length, output, 0, ref bad);
        Check(table, bad);
        if (end < 0)
        {
            return false;
        }
        written = end;
        return true;
    }

    /// <summary>
    /// Decodes the values <c>data[offsets[i] .. offsets[i + 1])</c> (offsets index <paramref name="data"/>) one after
    /// another into <paramref name="output"/>, writing <c>outOffsets[i] = outStart + </c>(where value i starts) and
    /// <c>outOffsets[rows] = outStart + </c>(bytes written). Returns the number of values decoded: fewer than
    /// offsets.Length - 1 when the output filled up; then outOffsets holds those values only, and the caller may
    /// grow the output and continue from there (<see cref="MaxDecompressedLength"/> of the data is always enough).
    /// </summary>
    public static int DecompressMany(FsstSymbolTable table, ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets,
        Span<byte> output, Span<int> outOffsets, int outStart = 0) =>
        DecompressMany(table, data, MemoryMarshal.Cast<int, uint>(offsets), output, outOffsets, outStart, signed: true);

    /// <inheritdoc cref="DecompressMany(FsstSymbolTable, ReadOnlySpan{byte}, ReadOnlySpan{int}, Span{byte}, Span{int}, int)"/>
    public static int DecompressMany(FsstSymbolTable table, ReadOnlySpan<byte> data, ReadOnlySpan<uint> offsets,
        Span<byte> output, Span<int> outOffsets, int outStart = 0) =>
        DecompressMany(table, data, offsets, output, outOffsets, outStart, signed: false);

    /// <inheritdoc cref="DecompressMany(FsstSymbolTable, ReadOnlySpan{byte}, ReadOnlySpan{int}, Span{byte}, Span{int}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DecompressMany(FsstSymbolTable table, ReadOnlySpan<byte> data, ReadOnlySpan<ulong> offsets,
        Span<byte> output, Span<int> outOffsets, int outStart = 0)
    {
        var rows = Rows(table, offsets.Length, outOffsets.Length);
        var bad = 0;
        var o = 0;
        var done = 0;
        for (; done < rows; done++)
        {
            var from = offsets[done];
            var to = offsets[done + 1];
            if (to < from || to > (ulong)data.Length)
            {
                throw LanceFileErrors.Corrupt(table.Path, table.Column, $"FSST value {done} spans [{from}, {to}) of {data.Length} bytes");
            }
            outOffsets[done] = outStart + o;
            var next = Run(table, data, (int)from, (int)to, output, o, ref bad);
            if (next < 0)
            {
                break;
            }
            o = next;
        }
        Check(table, bad);
        outOffsets[done] = outStart + o;
        return done;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DecompressMany(FsstSymbolTable table, ReadOnlySpan<byte> data, ReadOnlySpan<uint> offsets,
        Span<byte> output, Span<int> outOffsets, int outStart, bool signed)
    {
        var rows = Rows(table, offsets.Length, outOffsets.Length);
        var bad = 0;
        var o = 0;
        var done = 0;
        for (; done < rows; done++)
        {
            var from = offsets[done];
            var to = offsets[done + 1];
            if (to < from || to > (uint)data.Length || (signed && (int)to < 0))
            {
                throw LanceFileErrors.Corrupt(table.Path, table.Column, $"FSST value {done} spans [{from}, {to}) of {data.Length} bytes");
            }
            outOffsets[done] = outStart + o;
            var next = Run(table, data, (int)from, (int)to, output, o, ref bad);
            if (next < 0)
            {
                break;
            }
            o = next;
        }
        Check(table, bad);
        outOffsets[done] = outStart + o;
        return done;
    }

    private static int Rows(FsstSymbolTable table, int offsets, int outOffsets)
    {
        if (offsets < 1)
        {
            throw LanceFileErrors.Corrupt(table.Path, table.Column, "FSST values have no offsets");
        }
        if (outOffsets < offsets)
        {
            throw new ArgumentException($"{offsets} output offsets are needed, {outOffsets} given.", nameof(outOffsets));
        }
        return offsets - 1;
    }

    private static void Check(FsstSymbolTable table, int bad)
    {
        if (bad < 0)
        {
            throw LanceFileErrors.Corrupt(table.Path, table.Column, $"FSST data uses a code its table of {table.SymbolCount} symbols lacks");
        }
    }

    /// <summary>
    /// Decodes data[from, to) to output at <paramref name="o"/>; returns the new output position, or -1 when the
    /// output is too small. <paramref name="bad"/> turns negative on a code the table lacks (length 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run(FsstSymbolTable table, ReadOnlySpan<byte> data, int from, int to, Span<byte> output, int o, ref int bad)
    {
        var count = to - from;
        if (!table.IsCompressed)
        {
            if (count > output.Length - o)
            {
                return -1;
            }
            data.Slice(from, count).CopyTo(output[o..]);
            return o + count;
        }
        ref var src = ref MemoryMarshal.GetReference(data);
        ref var dst = ref MemoryMarshal.GetReference(output);
        ref var symbols = ref MemoryMarshal.GetArrayDataReference(table.Symbols);
        ref var lengths = ref MemoryMarshal.GetArrayDataReference(table.Lengths);
        var i = from;
        // Eight codes write at most 64 bytes, four 32, each store 8: room for that is checked once per group.
        var fastLimit = output.Length - 40;
        var fastLimit8 = output.Length - 72;
        var acc = bad;
        while (i + 4 <= to && o <= fastLimit)
        {
            if (i + 8 <= to && o <= fastLimit8)
            {
                var wide = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, i));
                var flipped = ~wide;
                if (((flipped - 0x0101010101010101UL) & ~flipped & 0x8080808080808080UL) == 0)
                {
                    Emit(ref dst, ref symbols, ref lengths, (byte)wide, ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 8), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 16), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 24), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 32), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 40), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 48), ref o, ref acc);
                    Emit(ref dst, ref symbols, ref lengths, (byte)(wide >> 56), ref o, ref acc);
                    i += 8;
                    continue;
                }
            }
            var word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, i));
            var inverted = ~word;
            // A 0xFF byte is a zero byte of ~word; the lowest flagged byte is exact.
            var escapes = (inverted - 0x01010101u) & ~inverted & 0x80808080u;
            if (escapes == 0)
            {
                Emit(ref dst, ref symbols, ref lengths, (byte)word, ref o, ref acc);
                Emit(ref dst, ref symbols, ref lengths, (byte)(word >> 8), ref o, ref acc);
                Emit(ref dst, ref symbols, ref lengths, (byte)(word >> 16), ref o, ref acc);
                Emit(ref dst, ref symbols, ref lengths, word >> 24, ref o, ref acc);
                i += 4;
                continue;
            }
            var before = BitOperations.TrailingZeroCount(escapes) >> 3;
            for (var k = 0; k < before; k++)
            {
                Emit(ref dst, ref symbols, ref lengths, Unsafe.Add(ref src, i + k), ref o, ref acc);
            }
            i += before;
            if (i + 1 >= to)
            {
                throw LanceFileErrors.Corrupt(table.Path, table.Column, "an FSST value ends in an escape");
            }
            Unsafe.Add(ref dst, o) = Unsafe.Add(ref src, i + 1);
            o++;
            i += 2;
        }
        // The last codes of a value (fewer than four), unchecked while the output has room for a store.
        while (i < to && o <= fastLimit)
        {
            uint c = Unsafe.Add(ref src, i);
            if (c != FsstSymbolTable.Escape)
            {
                Emit(ref dst, ref symbols, ref lengths, c, ref o, ref acc);
                i++;
                continue;
            }
            if (i + 1 >= to)
            {
                throw LanceFileErrors.Corrupt(table.Path, table.Column, "an FSST value ends in an escape");
            }
            Unsafe.Add(ref dst, o) = Unsafe.Add(ref src, i + 1);
            o++;
            i += 2;
        }
        // Any code near the end of the output: exact, checked writes.
        while (i < to)
        {
            var c = data[i];
            if (c == FsstSymbolTable.Escape)
            {
                if (i + 1 >= to)
                {
                    throw LanceFileErrors.Corrupt(table.Path, table.Column, "an FSST value ends in an escape");
                }
                if (o >= output.Length)
                {
                    return -1;
                }
                output[o++] = data[i + 1];
                i += 2;
                continue;
            }
            int l = table.Lengths[c];
            acc |= l - 1;
            if (l > output.Length - o)
            {
                bad = acc;
                return -1;
            }
            if (output.Length - o >= 8)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, o), table.Symbols[c]);
            }
            else
            {
                var symbol = table.Symbols[c];
                for (var k = 0; k < l; k++)
                {
                    output[o + k] = (byte)(symbol >> (8 * k));
                }
            }
            o += l;
            i++;
        }
        bad = acc;
        return o;
    }

    /// <summary>One code: its whole 8-byte symbol stored at o, o advanced by its length; acc turns negative on length 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(ref byte dst, ref ulong symbols, ref byte lengths, uint code, ref int o, ref int acc)
    {
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, o), Unsafe.Add(ref symbols, code));
        int length = Unsafe.Add(ref lengths, code);
        acc |= length - 1;
        o += length;
    }
}
