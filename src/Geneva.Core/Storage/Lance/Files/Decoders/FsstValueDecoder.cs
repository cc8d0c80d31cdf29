namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's Fsst over Variable in a mini-block chunk: the chunk is a Variable block of FSST-compressed values,
/// decompressed with the page's symbol table (from the encoding) straight into the Arrow value buffer.
/// </summary>
internal sealed class FsstValueDecoder : MiniBlockValueDecoder
{
    private readonly FsstSymbolTable _table;
    private readonly VariableValueDecoder _inner;

    public FsstValueDecoder(FsstSymbolTable table, string path, string column) : base(path, column)
    {
        _table = table;
        _inner = new VariableValueDecoder(path, column);
    }

    public override int BufferCount => 1;

    public override string Name => "fsst(variable(32))";

    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        var offsets = _inner.Offsets(buffers, chunkValues, a, b, out var data);
        var rows = b - a;
        var compressed = offsets[rows] - offsets[0];
        var output = builder.ReserveData(checked((int)FsstDecoder.MaxDecompressedLength(compressed)));
        var start = builder.DataLength;
        var done = FsstDecoder.DecompressMany(_table, data, offsets, output, builder.VariableOffsets(rows), start);
        if (done != rows)
        {
            throw Corrupt($"FSST values of a mini-block chunk decode past {output.Length} bytes");
        }
        builder.AdvanceVariable(rows, builder.VariableOffsets(rows)[rows] - start);
    }
}
