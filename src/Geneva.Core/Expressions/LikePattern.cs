namespace Geneva.Core.Expressions;

/// <summary>
/// A compiled LIKE pattern over UTF-8 bytes. Common shapes ('abc', 'abc%', '%abc', '%abc%')
/// become a span equality/prefix/suffix/IndexOf; the rest use a greedy wildcard matcher in
/// which <c>_</c> consumes one whole code point.
/// </summary>
internal sealed class LikePattern
{
    private const int AnyRun = -1;
    private const int AnyOne = -2;

    private readonly Shape _shape;
    private readonly byte[] _needle;
    private readonly int[] _tokens;

    private enum Shape
    {
        Exact,
        Prefix,
        Suffix,
        Contains,
        General,
    }

    private LikePattern(Shape shape, byte[] needle, int[] tokens)
    {
        _shape = shape;
        _needle = needle;
        _tokens = tokens;
    }

    public static LikePattern Compile(ReadOnlySpan<byte> pattern)
    {
        var tokens = new List<int>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var b = pattern[i];
            if (b == (byte)'\\' && i + 1 < pattern.Length)
            {
                tokens.Add(pattern[++i]);
            }
            else if (b == (byte)'%')
            {
                if (tokens.Count == 0 || tokens[^1] != AnyRun)
                {
                    tokens.Add(AnyRun);
                }
            }
            else
            {
                tokens.Add(b == (byte)'_' ? AnyOne : b);
            }
        }
        var leading = tokens.Count > 0 && tokens[0] == AnyRun;
        var trailing = tokens.Count > (leading ? 1 : 0) && tokens[^1] == AnyRun;
        var start = leading ? 1 : 0;
        var end = tokens.Count - (trailing ? 1 : 0);
        var simple = true;
        for (var i = start; i < end; i++)
        {
            simple &= tokens[i] >= 0;
        }
        if (!simple || (tokens.Count == 1 && leading))
        {
            return new LikePattern(Shape.General, [], [.. tokens]);
        }
        var needle = new byte[end - start];
        for (var i = start; i < end; i++)
        {
            needle[i - start] = (byte)tokens[i];
        }
        var shape = (leading, trailing) switch
        {
            (false, false) => Shape.Exact,
            (false, true) => Shape.Prefix,
            (true, false) => Shape.Suffix,
            _ => Shape.Contains,
        };
        return new LikePattern(shape, needle, [.. tokens]);
    }

    public bool IsMatch(ReadOnlySpan<byte> value) => _shape switch
    {
        Shape.Exact => value.SequenceEqual(_needle),
        Shape.Prefix => value.StartsWith(_needle),
        Shape.Suffix => value.EndsWith(_needle),
        Shape.Contains => value.IndexOf(_needle) >= 0,
        _ => MatchGeneral(value),
    };

    private bool MatchGeneral(ReadOnlySpan<byte> value)
    {
        var tokens = _tokens;
        int s = 0, p = 0, starP = -1, starS = 0;
        while (s < value.Length)
        {
            if (p < tokens.Length && tokens[p] == AnyOne)
            {
                s += CodePointLength(value, s);
                p++;
            }
            else if (p < tokens.Length && tokens[p] >= 0 && tokens[p] == value[s])
            {
                s++;
                p++;
            }
            else if (p < tokens.Length && tokens[p] == AnyRun)
            {
                starP = p++;
                starS = s;
            }
            else if (starP >= 0)
            {
                starS += CodePointLength(value, starS);
                s = starS;
                p = starP + 1;
            }
            else
            {
                return false;
            }
        }
        while (p < tokens.Length && tokens[p] == AnyRun)
        {
            p++;
        }
        return p == tokens.Length;
    }

    private static int CodePointLength(ReadOnlySpan<byte> value, int at)
    {
        var n = 1;
        while (at + n < value.Length && (value[at + n] & 0xC0) == 0x80)
        {
            n++;
        }
        return n;
    }
}
