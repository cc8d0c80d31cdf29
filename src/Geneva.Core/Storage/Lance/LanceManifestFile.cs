using System.Buffers.Binary;
using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// One Lance manifest file (<c>_versions/*.manifest</c>), as LanceDB 0.31 writes it:
/// optional sections (each a u32 length and a protobuf message: the inline transaction, the index
/// section), then a u32 length and the <c>lance.table.Manifest</c> protobuf, then a 16-byte footer
/// (i64 position of the manifest, u16 major 0, u16 minor 2, <c>LANC</c>).
/// </summary>
/// <remarks>
/// The bytes before the manifest are kept verbatim, so the manifest's section positions stay valid
/// when it is written back. Fields this build does not know stay in the message's unknown-field set
/// (Google.Protobuf keeps them) and are written back, so a field LanceDB sets survives our rewrites.
/// </remarks>
internal sealed class LanceManifestFile
{
    public const int FooterLength = 16;
    public const ushort MajorVersion = 0;
    public const ushort MinorVersion = 2;
    private static ReadOnlySpan<byte> Magic => "LANC"u8;

    /// <summary>The bytes before the manifest message: the optional sections, kept as read.</summary>
    private readonly byte[] _prefix;

    /// <summary>Bytes between the manifest message and the footer (none in what LanceDB writes), kept as read.</summary>
    private readonly byte[] _trailer;

    private LanceManifestFile(byte[] prefix, Manifest manifest, byte[] trailer)
    {
        _prefix = prefix;
        Manifest = manifest;
        _trailer = trailer;
    }

    /// <summary>The manifest message. Changes to it are written by <see cref="ToBytes"/>.</summary>
    public Manifest Manifest { get; }

    /// <summary>The sections before the manifest, as read (empty for a manifest made here).</summary>
    public ReadOnlyMemory<byte> Prefix => _prefix;

    /// <summary>A new file holding only <paramref name="manifest"/>, with no sections.</summary>
    public static LanceManifestFile Create(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new LanceManifestFile([], manifest, []);
    }

    /// <summary>
    /// A new file holding <paramref name="manifest"/> and, before it, <paramref name="indexSection"/> (an
    /// IndexSection message as another version held it, carried forward unchanged); the manifest's
    /// <c>index_section</c> is pointed at it.
    /// </summary>
    public static LanceManifestFile Create(Manifest manifest, ReadOnlyMemory<byte> indexSection)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var prefix = new byte[4 + indexSection.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)indexSection.Length);
        indexSection.Span.CopyTo(prefix.AsSpan(4));
        manifest.IndexSection = 0;
        return new LanceManifestFile(prefix, manifest, []);
    }

    public static LanceManifestFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new GenevaException(GenevaErrorCode.VersionNotFound, $"No Lance manifest at '{path}'.", path, e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses a whole manifest file; <paramref name="source"/> names it in errors.</summary>
    public static LanceManifestFile Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < FooterLength + 4)
        {
            throw Corrupt(source, $"it is {bytes.Length} bytes, too short for a manifest");
        }
        var footer = bytes[^FooterLength..];
        if (!footer[12..].SequenceEqual(Magic))
        {
            throw Corrupt(source, "it does not end with the LANC magic");
        }
        var major = BinaryPrimitives.ReadUInt16LittleEndian(footer[8..]);
        var minor = BinaryPrimitives.ReadUInt16LittleEndian(footer[10..]);
        if (major != MajorVersion || minor != MinorVersion)
        {
            throw Corrupt(source, $"its footer version is {major}.{minor}, not {MajorVersion}.{MinorVersion}");
        }
        var position = BinaryPrimitives.ReadInt64LittleEndian(footer);
        var end = bytes.Length - FooterLength;
        if (position < 0 || position > end - 4)
        {
            throw Corrupt(source, $"its manifest position {position} is outside the file");
        }
        var start = (int)position;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[start..]);
        if (length > (uint)(end - start - 4))
        {
            throw Corrupt(source, $"its manifest length {length} runs past the footer");
        }
        var body = bytes.Slice(start + 4, (int)length);
        Manifest manifest;
        try
        {
            manifest = Manifest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Corrupt(source, "its manifest message is not valid protobuf", e);
        }
        return new LanceManifestFile(bytes[..start].ToArray(), manifest, bytes[(start + 4 + (int)length)..end].ToArray());
    }

    /// <summary>
    /// The protobuf bytes of the section at <paramref name="position"/> (a u32 length and a message),
    /// such as the one <c>Manifest.IndexSection</c> or <c>Manifest.TransactionSection</c> points at.
    /// </summary>
    public ReadOnlyMemory<byte> ReadSection(ulong position)
    {
        if (position > (ulong)_prefix.Length - 4 || _prefix.Length < 4)
        {
            throw Corrupt("manifest", $"section position {position} is outside the sections before the manifest");
        }
        var start = (int)position;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_prefix.AsSpan(start));
        if (length > (uint)(_prefix.Length - start - 4))
        {
            throw Corrupt("manifest", $"section at {position} runs into the manifest");
        }
        return _prefix.AsMemory(start + 4, (int)length);
    }

    /// <summary>The file's bytes: the sections as read, the manifest message as it is now, the footer.</summary>
    public byte[] ToBytes()
    {
        var body = Manifest.ToByteArray();
        var bytes = new byte[_prefix.Length + 4 + body.Length + _trailer.Length + FooterLength];
        var span = bytes.AsSpan();
        _prefix.CopyTo(span);
        var at = _prefix.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)body.Length);
        body.CopyTo(span[(at + 4)..]);
        _trailer.CopyTo(span[(at + 4 + body.Length)..]);
        var footer = span[^FooterLength..];
        BinaryPrimitives.WriteInt64LittleEndian(footer, _prefix.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(footer[8..], MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(footer[10..], MinorVersion);
        Magic.CopyTo(footer[12..]);
        return bytes;
    }

    private static GenevaException Corrupt(string source, string problem, Exception? inner = null) =>
        new(GenevaErrorCode.ManifestCorrupt, $"The Lance manifest '{source}' is corrupt: {problem}.", source, inner);
}
