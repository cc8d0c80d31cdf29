using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using CsvHelper;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads rows to create a table from: CSV (through CsvHelper; a first pass infers each column's
/// type, a second streams batches, so memory stays bounded) or an Arrow IPC file or stream.
/// </summary>
public static class TableImport
{
    public const int BatchRows = 65_536;

    public static (Schema Schema, IEnumerable<RecordBatch> Batches) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"The file '{path}' does not exist.", path);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".arrow" or ".feather" or ".ipc" or ".arrows" ? ReadArrow(path) : ReadCsv(path);
    }

    private static (Schema, IEnumerable<RecordBatch>) ReadArrow(string path)
    {
        using (var probe = File.OpenRead(path))
        {
            Schema schema;
            try
            {
                using var reader = new ArrowFileReader(probe, leaveOpen: true);
                schema = reader.Schema;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException)
            {
                throw new GenevaException(GenevaErrorCode.DataFileCorrupt, $"'{path}' is not a readable Arrow IPC file: {e.Message}", path, e);
            }
            foreach (var field in schema.FieldsList)
            {
                if (!ArrowTypeNames.TryParse(SafeName(field.DataType), out _))
                {
                    throw new GenevaException(GenevaErrorCode.TypeMismatch,
                        $"Column '{field.Name}' of '{path}' has Arrow type {field.DataType.Name}, which Geneva tables do not support.", field.Name);
                }
            }
            return (schema, ArrowBatches(path));
        }
    }

    private static string SafeName(Apache.Arrow.Types.IArrowType type)
    {
        try
        {
            return ArrowTypeNames.Format(type);
        }
        catch (GenevaException)
        {
            return type.Name;
        }
    }

    private static IEnumerable<RecordBatch> ArrowBatches(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new ArrowFileReader(stream);
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            yield return batch;
        }
    }

    private static CsvReader OpenCsv(string path) =>
        CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, FormatProvider = CultureInfo.InvariantCulture },
            FileOptions.SequentialScan);

    private static (Schema, IEnumerable<RecordBatch>) ReadCsv(string path)
    {
        string[] header;
        var kinds = new List<ColumnKind>();
        using (var csv = OpenCsv(path))
        {
            csv.ReadHeader();
            if (csv.Headers is not { Count: > 0 })
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument, $"'{path}' has no header row.", path);
            }
            header = [.. csv.Headers];
            kinds.AddRange(header.Select(_ => ColumnKind.Unknown));
            while (csv.Read())
            {
                for (var c = 0; c < header.Length; c++)
                {
                    kinds[c] = Widen(kinds[c], c < csv.FieldCount ? csv.GetStringOrNull(c) : null);
                }
            }
        }
        var schema = new Schema(header.Select((name, c) => new Field(name, ArrowTypeNames.Parse(TypeName(kinds[c])), true)), null);
        return (schema, CsvBatches(path, schema, kinds));
    }

    private enum ColumnKind { Unknown, Bool, Int, Float, Text }

    private static ColumnKind Widen(ColumnKind kind, string? value)
    {
        if (string.IsNullOrEmpty(value) || kind == ColumnKind.Text)
        {
            return kind;
        }
        var seen = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? ColumnKind.Int
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? ColumnKind.Float
            : bool.TryParse(value, out _) ? ColumnKind.Bool
            : ColumnKind.Text;
        return (kind, seen) switch
        {
            (ColumnKind.Unknown, _) => seen,
            (ColumnKind.Int, ColumnKind.Float) or (ColumnKind.Float, ColumnKind.Int) => ColumnKind.Float,
            _ when kind == seen => kind,
            _ => ColumnKind.Text,
        };
    }

    private static string TypeName(ColumnKind kind) => kind switch
    {
        ColumnKind.Bool => "bool",
        ColumnKind.Int => "int64",
        ColumnKind.Float => "float64",
        _ => "utf8",
    };

    private static IEnumerable<RecordBatch> CsvBatches(string path, Schema schema, IReadOnlyList<ColumnKind> kinds)
    {
        using var csv = OpenCsv(path);
        csv.ReadHeader();
        var columns = schema.FieldsList.Select(_ => new List<object?>(BatchRows)).ToArray();
        var rows = 0;
        while (csv.Read())
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var text = c < csv.FieldCount ? csv.GetStringOrNull(c) : null;
                columns[c].Add(string.IsNullOrEmpty(text) && kinds[c] != ColumnKind.Text ? null : text);
            }
            if (++rows == BatchRows)
            {
                yield return Build(schema, columns, rows);
                rows = 0;
            }
        }
        if (rows > 0)
        {
            yield return Build(schema, columns, rows);
        }
    }

    private static RecordBatch Build(Schema schema, List<object?>[] columns, int rows)
    {
        var arrays = columns.Select((values, c) => ArrowValues.Build(schema.FieldsList[c].DataType, values)).ToList();
        foreach (var column in columns)
        {
            column.Clear();
        }
        return new RecordBatch(schema, arrays, rows);
    }
}
