using System.IO.Hashing;

namespace Geneva.Core.Execution;

/// <summary>
/// Write-through stream that hashes what passes, so a checkpoint's checksum costs no re-read.
/// It reports itself seekable because the Arrow file writer insists, but it only ever asks for
/// the position; a real seek would break the hash and is refused.
/// </summary>
internal sealed class HashingStream(Stream inner) : Stream
{
    private readonly XxHash3 _hash = new();

    public string Checksum => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override bool CanRead => false;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.Append(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Current && offset == 0 ? inner.Position : throw new NotSupportedException("HashingStream is append-only.");
    public override void SetLength(long value) => throw new NotSupportedException();
}
