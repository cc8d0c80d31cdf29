using Apache.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>Row access to a utf8/binary vector or scalar as byte spans, without copying.</summary>
internal readonly ref struct StringColumn
{
    private readonly ReadOnlySpan<int> _offsets;
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _isScalar;

    public StringColumn(ValueVector vector)
    {
        if (vector.IsScalar)
        {
            _data = vector.ScalarBytes;
            _isScalar = true;
        }
        else
        {
            BinaryArray strings = vector.Strings;
            _offsets = strings.ValueOffsets;
            _data = strings.ValueBuffer.Span;
        }
    }

    public ReadOnlySpan<byte> this[int row] => _isScalar ? _data : _data[_offsets[row].._offsets[row + 1]];
}
