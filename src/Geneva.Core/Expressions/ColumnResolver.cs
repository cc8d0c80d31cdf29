using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// Finds referenced columns in a schema: the exact name first, then a unique case-insensitive
/// match, because PowerShell users expect names to be case-insensitive while Arrow allows
/// columns that differ only in case.
/// </summary>
internal sealed class ColumnResolver
{
    private readonly Schema _schema;

    public ColumnResolver(Schema schema)
    {
        _schema = schema;
    }

    public int IndexOf(string name)
    {
        var fields = _schema.FieldsList;
        for (var i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        var found = -1;
        for (var i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found >= 0)
                {
                    throw new GenevaException(GenevaErrorCode.ColumnNotFound,
                        $"Column '{name}' is ambiguous: '{fields[found].Name}' and '{fields[i].Name}' differ only in case. " +
                        "Write the name with its exact case.", name);
                }
                found = i;
            }
        }
        if (found < 0)
        {
            throw new GenevaException(GenevaErrorCode.ColumnNotFound,
                $"Column '{name}' does not exist. Columns: {string.Join(", ", fields.Select(f => f.Name))}.", name);
        }
        return found;
    }

    public IArrowType TypeOf(string name) => _schema.FieldsList[IndexOf(name)].DataType;
}
