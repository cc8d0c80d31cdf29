using System.Buffers;
using Apache.Arrow.Memory;

namespace Geneva.Core.Arrow;

/// <summary>
/// Allocates Arrow buffers from the shared byte-array pool. Readers free each record batch as
/// soon as the next is read, so the same few arrays serve a whole scan; the default native
/// allocator instead reports memory pressure per batch, which induced a gen-2 GC about once
/// per checkpoint in bench/. Arrays rented here must be returned by disposing the batch.
/// </summary>
internal sealed class PooledMemoryAllocator : MemoryAllocator
{
    public static PooledMemoryAllocator Shared { get; } = new();

    private PooledMemoryAllocator()
        : base(DefaultAlignment)
    {
    }

    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        bytesAllocated = length;
        return new Owner(ArrayPool<byte>.Shared.Rent(length), length);
    }

    private sealed class Owner(byte[] array, int length) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(Owner))).AsMemory(0, length);

        public void Dispose()
        {
            var array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
