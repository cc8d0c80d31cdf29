using System.Collections;
using System.Management.Automation;
using Apache.Arrow;
using Geneva.Core;
using Geneva.Core.Arrow;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// PowerShell objects to Arrow record batches and back: the edge where rows become objects.
/// Column types come from the table when it exists, else from the values (ints become int64,
/// as Python/Arrow infer them, so later rows with larger ids fit).
/// </summary>
internal static class RowConversion
{
    /// <summary>
    /// The row's properties, read now. A getter that throws (a ScriptProperty, a .NET property) is an
    /// error naming the row's 1-based <paramref name="position"/> in the input and the property: a null
    /// in its place would import a value the source never had.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Properties(object row, long position)
    {
        var value = row is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : row;
        if (value is IDictionary dictionary)
        {
            return dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString()!, dictionary[k])).ToList();
        }
        var wrapped = PSObject.AsPSObject(row);
        var result = new List<KeyValuePair<string, object?>>();
        foreach (var p in wrapped.Properties)
        {
            if (p.IsGettable && p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property or PSMemberTypes.AliasProperty
                    or PSMemberTypes.ScriptProperty)
            {
                result.Add(new KeyValuePair<string, object?>(p.Name, Read(p, row, position)));
            }
        }
        return result;
    }

    private static object? Read(PSPropertyInfo p, object row, long position)
    {
        try
        {
            return p.Value;
        }
        catch (GetValueException e)
        {
            var cause = e.InnerException is { } inner ? Innermost(inner) : e;
            throw new GenevaException(GenevaErrorCode.RowPropertyUnreadable,
                $"Input row {position}: property '{p.Name}' could not be read: {cause.Message}", row, e);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or GetValueException or MethodInvocationException
               && e.InnerException is { } inner)
        {
            e = inner;
        }
        return e is IContainsErrorRecord { ErrorRecord.Exception: { } recorded } && !ReferenceEquals(recorded, e) ? recorded : e;
    }

    /// <summary>Infers an Arrow type name for a value, or null when it says nothing (null).</summary>
    public static string? InferType(object? raw)
    {
        var value = PSValues.Unwrap(raw);
        return value switch
        {
            null => null,
            bool => "bool",
            sbyte => "int8",
            byte => "uint8",
            short => "int16",
            ushort => "uint16",
            int or long => "int64",
            uint => "uint32",
            ulong => "uint64",
            float => "float32",
            double or decimal => "float64",
            string or char => "utf8",
            DateTime or DateTimeOffset => "timestamp[us]",
            byte[] => "binary",
            float[] => "list<float32>",
            double[] => "list<float64>",
            int[] or long[] => "list<int64>",
            object?[] items => items.Select(InferType).FirstOrDefault(t => t is not null) is { } inner ? $"list<{inner}>" : null,
            _ => "utf8",
        };
    }

    /// <summary>
    /// Column names in first-seen order and their types, from known types or the rows' values: the
    /// columns of <paramref name="existing"/> first, unchanged, then the names the rows add.
    /// </summary>
    public static Schema InferSchema(IReadOnlyList<IReadOnlyList<KeyValuePair<string, object?>>> rows,
        IReadOnlyDictionary<string, string>? known, Schema? existing = null)
    {
        var names = new List<string>();
        var types = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in existing?.FieldsList ?? [])
        {
            names.Add(field.Name);
            types[field.Name] = ArrowTypeNames.Format(field.DataType);
        }
        foreach (var row in rows)
        {
            foreach (var (name, value) in row)
            {
                if (!types.ContainsKey(name))
                {
                    names.Add(name);
                    types[name] = null;
                }
                types[name] ??= known is not null && known.TryGetValue(name, out var k) ? k : InferType(value);
            }
        }
        var builder = new Schema.Builder();
        foreach (var name in names)
        {
            builder.Field(new Field(name, ArrowTypeNames.Parse(types[name] ?? "utf8"), true));
        }
        return builder.Build();
    }

    /// <summary>The columns a -Schema dictionary declares (name to Arrow type name), in its order.</summary>
    public static Schema DeclaredSchema(IDictionary types)
    {
        var builder = new Schema.Builder();
        foreach (DictionaryEntry entry in types)
        {
            var name = entry.Key.ToString()!;
            var type = PSValues.Unwrap(entry.Value)?.ToString()
                ?? throw new GenevaException(GenevaErrorCode.InvalidArgument, $"Column '{name}' has no type in -Schema.", name);
            builder.Field(new Field(name, ArrowTypeNames.Parse(type), true));
        }
        return builder.Build();
    }

    /// <param name="firstPosition">The 1-based position in the input of the first row, for error messages.</param>
    public static RecordBatch ToBatch(Schema schema, IReadOnlyList<IReadOnlyList<KeyValuePair<string, object?>>> rows,
        long firstPosition)
    {
        var columns = new IArrowArray[schema.FieldsList.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var name = schema.FieldsList[c].Name;
            var values = new object?[rows.Count];
            for (var r = 0; r < rows.Count; r++)
            {
                foreach (var (key, value) in rows[r])
                {
                    if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        values[r] = PSValues.Unwrap(value);
                        break;
                    }
                }
            }
            try
            {
                columns[c] = ArrowValues.Build(schema.FieldsList[c].DataType, values);
            }
            catch (GenevaException e) when (e.Code == GenevaErrorCode.TypeMismatch)
            {
                // The conversion names the row in this batch; the user knows it by its place in the input.
                var message = e.Target is int row
                    ? $"Input row {firstPosition + row}, column '{name}': " + e.Message.Replace($" at row {row}", "", StringComparison.Ordinal)
                    : $"Column '{name}': {e.Message}";
                throw new GenevaException(GenevaErrorCode.TypeMismatch, message, name, e);
            }
        }
        return new RecordBatch(schema, columns, rows.Count);
    }

    /// <summary><paramref name="batch"/> with null columns for the fields of <paramref name="wider"/> it lacks (its fields come first).</summary>
    public static RecordBatch Widen(RecordBatch batch, Schema wider)
    {
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(batch.Column).ToList();
        for (var c = batch.ColumnCount; c < wider.FieldsList.Count; c++)
        {
            columns.Add(ArrowValues.Build(wider.FieldsList[c].DataType, new object?[batch.Length]));
        }
        return new RecordBatch(wider, columns, batch.Length);
    }

    public static PSObject ToPSObject(RecordBatch batch, int row)
    {
        var result = new PSObject();
        for (var c = 0; c < batch.ColumnCount; c++)
        {
            result.Properties.Add(new PSNoteProperty(batch.Schema.GetFieldByIndex(c).Name, ArrowValues.GetValue(batch.Column(c), row)));
        }
        return result;
    }
}
