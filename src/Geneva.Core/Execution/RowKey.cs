using System.Collections;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Execution;

/// <summary>
/// A short rendering of a row's UDF input values, such as <c>id=4, text='abc…'</c>, recorded with a
/// row error so the failure can be recognized in the data (and searched for) without its address.
/// Long strings and lists are cut, so a key stays a line.
/// </summary>
public static class RowKey
{
    public const int MaxValueChars = 40;
    public const int MaxListItems = 4;
    public const int MaxKeyChars = 200;

    public static string Render(RecordBatch input, int row)
    {
        var text = new StringBuilder();
        for (var c = 0; c < input.ColumnCount; c++)
        {
            if (c > 0)
            {
                text.Append(", ");
            }
            text.Append(input.Schema.GetFieldByIndex(c).Name).Append('=');
            Value(text, ArrowValues.GetValue(input.Column(c), row));
            if (text.Length > MaxKeyChars)
            {
                return text.ToString(0, MaxKeyChars) + "…";
            }
        }
        return text.ToString();
    }

    private static void Value(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string s:
                text.Append('\'').Append(s.Length > MaxValueChars ? s[..MaxValueChars] + "…" : s).Append('\'');
                break;
            case byte[] bytes:
                text.Append('<').Append(bytes.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes>");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case DateTime d:
                text.Append(d.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset d:
                text.Append(d.ToString("O", CultureInfo.InvariantCulture));
                break;
            case IFormattable f:
                text.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
                var all = items.Cast<object?>().ToList();
                text.Append('[');
                for (var i = 0; i < Math.Min(all.Count, MaxListItems); i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    Value(text, all[i]);
                }
                if (all.Count > MaxListItems)
                {
                    text.Append(", … ").Append(all.Count.ToString(CultureInfo.InvariantCulture)).Append(" items");
                }
                text.Append(']');
                break;
            default:
                text.Append(value);
                break;
        }
    }
}
