using System.Diagnostics;
using System.Numerics;
using Geneva.Core.Storage.Lance.Files.Decoders;

namespace Geneva.Decode.Bench;

/// <summary>FastLanes unpacking alone, vectorised against the scalar reference, in decoded MB/s (one core, data in L1).</summary>
internal static class UnpackBench
{
    public static void Run()
    {
        Console.WriteLine($"FastLanes unpack of 1024 values, decoded MB/s (vectors {(Vector.IsHardwareAccelerated ? Vector<byte>.Count * 8 + "-bit" : "off")})");
        Console.WriteLine($"{"type",-6} {"width",6} {"vector",10} {"scalar",10} {"speed-up",9}");
        Measure<byte>([1, 3, 8]);
        Measure<ushort>([1, 5, 10, 16]);
        Measure<uint>([1, 7, 17, 24, 32]);
        Measure<ulong>([1, 13, 24, 40, 64]);
    }

    private static void Measure<T>(int[] widths) where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        foreach (var width in widths)
        {
            var packed = new T[1024];
            new Random(width).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(packed.AsSpan()));
            var output = new T[1024];
            var vector = Rate(() => FastLanesBitUnpacker.Unpack<T>(width, packed, output), size);
            var scalar = Rate(() => FastLanesBitUnpacker.UnpackScalar<T>(width, packed, output), size);
            Console.WriteLine($"{typeof(T).Name,-6} {width,6} {vector,10:F0} {scalar,10:F0} {vector / scalar,8:F1}x");
        }
    }

    private static double Rate(Action unpack, int size)
    {
        for (var i = 0; i < 2000; i++)
        {
            unpack();
        }
        var best = double.MaxValue;
        for (var r = 0; r < 5; r++)
        {
            const int n = 20000;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                unpack();
            }
            best = Math.Min(best, sw.Elapsed.TotalSeconds / n);
        }
        return 1024.0 * size / 1e6 / best;
    }
}
