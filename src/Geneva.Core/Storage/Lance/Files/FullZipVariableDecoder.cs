using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Geneva.Core.Storage.Lance.Proto;
using ZstdSharp;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The variable-width rows of a full-zip page: each row is its definition byte (when the page has nulls) and,
/// for a valid row, a 4- or 8-byte length and that many bytes, raw, FSST or zstd (<see cref="FullZipValues"/>).
/// Two passes over the rows' bytes: find each value and its decoded size, then decode every value straight into
/// the Arrow data buffer of the builder (no per-value allocation).
/// </summary>
internal static class FullZipVariableDecoder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(LanceFileSource file, LancePage<PageLayout> page, FullZipValues values, int from, int count, bool nullable,
        LanceArrayBuilder builder, string column)
    {
        var path = file.Path;
        var (start, length) = FullZipRepetitionIndex.RowBytes(file, page, from, count, column, "a full-zip page");
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var starts = ArrayPool<int>.Shared.Rent(count);
        var lengths = ArrayPool<int>.Shared.Rent(count);
        var ends = ArrayPool<long>.Shared.Rent(count);
        var valid = ArrayPool<bool>.Shared.Rent(count);
        try
        {
            var bytes = rented.AsSpan(0, length);
            file.ReadExactly(page.BufferOffsets[0] + start, bytes, column);
            var fsst = values.Fsst;
            long total = 0;
            var pos = 0;
            for (var i = 0; i < count; i++)
            {
                if (nullable)
                {
                    if (pos >= bytes.Length)
                    {
                        throw LanceFileErrors.Corrupt(path, column, "a full-zip page ends inside a row");
                    }
                    if (bytes[pos++] != 0)
                    {
                        valid[i] = false;
                        lengths[i] = 0;
                        ends[i] = total;
                        continue;
                    }
                }
                if (values.LengthBytes > bytes.Length - pos)
                {
                    throw LanceFileErrors.Corrupt(path, column, "a full-zip page ends inside a row");
                }
                var len = values.LengthBytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]) : BinaryPrimitives.ReadUInt64LittleEndian(bytes[pos..]);
                pos += values.LengthBytes;
                if (len > (ulong)(bytes.Length - pos))
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a full-zip value of {len} bytes runs past its page");
                }
                var value = bytes.Slice(pos, (int)len);
                starts[i] = pos;
                lengths[i] = (int)len;
                valid[i] = true;
                pos += (int)len;
                total += fsst is not null ? FsstDecoder.DecompressedLength(fsst, value)
                    : values.Zstd ? LanceZstdValue.Length(value, path, column)
                    : (long)len;
                ends[i] = total;
            }
            if (pos != bytes.Length)
            {
                throw LanceFileErrors.Corrupt(path, column, $"the rows of a full-zip page hold {bytes.Length - pos} bytes more than their values");
            }
            if (total > int.MaxValue - FsstDecoder.Slack)
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument,
                    "A read of a utf8/binary column would exceed 2 GiB of values; read fewer rows at a time.");
            }
            var dest = builder.ReserveData((int)total + (fsst is not null ? FsstDecoder.Slack : 0));
            if (fsst is not null)
            {
                DecodeFsst(fsst, bytes, starts, lengths, ends, valid, count, dest);
            }
            else if (values.Zstd)
            {
                using var decompressor = new Decompressor();
                long at = 0;
                for (var i = 0; i < count; i++)
                {
                    if (valid[i])
                    {
                        LanceZstdValue.Decompress(decompressor, bytes.Slice(starts[i], lengths[i]), dest[(int)at..(int)ends[i]], path, column);
                    }
                    at = ends[i];
                }
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    if (valid[i])
                    {
                        bytes.Slice(starts[i], lengths[i]).CopyTo(dest[(int)(ends[i] - lengths[i])..]);
                    }
                }
            }
            builder.AppendEnds(ends.AsSpan(0, count), valid.AsSpan(0, count), (int)total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(lengths);
            ArrayPool<long>.Shared.Return(ends);
            ArrayPool<bool>.Shared.Return(valid);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeFsst(FsstSymbolTable fsst, ReadOnlySpan<byte> bytes, int[] starts, int[] lengths, long[] ends, bool[] valid, int count, Span<byte> dest)
    {
        long at = 0;
        for (var i = 0; i < count; i++)
        {
            if (valid[i])
            {
                // dest has the exact decoded size plus the slack, so every value takes the fast path but near the end.
                var written = FsstDecoder.Decompress(fsst, bytes.Slice(starts[i], lengths[i]), dest[(int)at..]);
                if (at + written != ends[i])
                {
                    throw LanceFileErrors.Corrupt(fsst.Path, fsst.Column, "an FSST value decodes to another size than its codes say");
                }
            }
            at = ends[i];
        }
    }

    /// <summary>Appends one valid value, decoded as <paramref name="values"/> says (a list item: values come one at a time).</summary>
    public static void AppendValue(FullZipValues values, ReadOnlySpan<byte> value, LanceArrayBuilder builder, string path, string column)
    {
        if (values.Fsst is { } fsst)
        {
            var length = FsstDecoder.DecompressedLength(fsst, value);
            if (length > int.MaxValue - FsstDecoder.Slack)
            {
                throw LanceFileErrors.Corrupt(path, column, $"an FSST value decodes to {length} bytes");
            }
            var written = FsstDecoder.Decompress(fsst, value, builder.ReserveData((int)length + FsstDecoder.Slack));
            builder.AppendEnds([written], [true], written);
        }
        else if (values.Zstd)
        {
            var length = (int)LanceZstdValue.Length(value, path, column);
            using var decompressor = new Decompressor();
            LanceZstdValue.Decompress(decompressor, value, builder.ReserveData(length), path, column);
            builder.AppendEnds([length], [true], length);
        }
        else
        {
            builder.AppendValue(value);
        }
    }
}
