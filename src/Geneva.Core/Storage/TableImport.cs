using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using CsvHelper;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads rows to create a table from: CSV (through CsvHelper; a first pass checks every row and
/// infers each column's type, a second streams batches, so memory stays bounded) or an Arrow IPC
/// file or stream. A CSV row with more or fewer fields than the header is an error naming its line,
/// found by the first pass, before anything is written.
/// </summary>
public static class TableImport
{
    public const int BatchRows = 65_536;

    public static (Schema Schema, IEnumerable<RecordBatch> Batches) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.FileNotFound, $"The file '{path}' does not exist.", path);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (ArrowExtensions.Contains(extension))
        {
            return ReadArrow(path);
        }
        if (CsvExtensions.Contains(extension))
        {
            return ReadCsv(path);
        }
        // Guessing CSV for anything else made a one-column junk table out of a JSON or Parquet file.
        throw new GenevaException(GenevaErrorCode.InvalidArgument,
            $"'{path}' is not a file type Geneva imports. Accepted: CSV ({string.Join(", ", CsvExtensions)}) and Arrow IPC " +
            $"({string.Join(", ", ArrowExtensions)}); other data can be given as rows.", path);
    }

    /// <summary>File name extensions read as Arrow IPC files.</summary>
    public static IReadOnlyList<string> ArrowExtensions { get; } = [".arrow", ".feather", ".ipc", ".arrows"];

    /// <summary>File name extensions read as CSV (comma-separated, header row).</summary>
    public static IReadOnlyList<string> CsvExtensions { get; } = [".csv"];

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

    // Line numbers count every line of the file, those inside quoted fields too, as an editor shows them.
    private static CsvReader OpenCsv(string path) =>
        CsvReader.FromFile(path, new CsvReaderOptions
        {
            HasHeader = true,
            FormatProvider = CultureInfo.InvariantCulture,
            TrackLineNumbers = true,
        }, FileOptions.SequentialScan);

    /// <summary>Checks that the current row has as many fields as the header: a ragged row would shift or drop values.</summary>
    private static void CheckFieldCount(CsvReader csv, int headerFields, string path)
    {
        if (csv.FieldCount != headerFields)
        {
            throw new GenevaException(GenevaErrorCode.CsvRowInvalid,
                $"'{path}', line {csv.LineNumber}: the row has {csv.FieldCount} field{(csv.FieldCount == 1 ? "" : "s")} " +
                $"but the header has {headerFields}. Quote fields that contain the separator or a line break.", path);
        }
    }

    private static (Schema, IEnumerable<RecordBatch>) ReadCsv(string path)
    {
        string[] header;
        var kinds = new List<CsvColumnKind>();
        using (var csv = OpenCsv(path))
        {
            csv.ReadHeader();
            if (csv.Headers is not { Count: > 0 })
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument, $"'{path}' has no header row.", path);
            }
            header = [.. csv.Headers];
            kinds.AddRange(header.Select(_ => CsvColumnKind.Unknown));
            while (csv.Read())
            {
                CheckFieldCount(csv, header.Length, path);
                for (var c = 0; c < header.Length; c++)
                {
                    kinds[c] = Widen(kinds[c], csv.GetStringOrNull(c));
                }
            }
        }
        var schema = new Schema(header.Select((name, c) => new Field(name, ArrowTypeNames.Parse(TypeName(kinds[c])), true)), null);
        return (schema, CsvBatches(path, schema, kinds));
    }

    private static CsvColumnKind Widen(CsvColumnKind kind, string? value)
    {
        if (string.IsNullOrEmpty(value) || kind == CsvColumnKind.Text)
        {
            return kind;
        }
        var seen = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? CsvColumnKind.Int
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? CsvColumnKind.Float
            : bool.TryParse(value, out _) ? CsvColumnKind.Bool
            : CsvColumnKind.Text;
        return (kind, seen) switch
        {
            (CsvColumnKind.Unknown, _) => seen,
            (CsvColumnKind.Int, CsvColumnKind.Float) or (CsvColumnKind.Float, CsvColumnKind.Int) => CsvColumnKind.Float,
            _ when kind == seen => kind,
            _ => CsvColumnKind.Text,
        };
    }

    private static string TypeName(CsvColumnKind kind) => kind switch
    {
        CsvColumnKind.Bool => "bool",
        CsvColumnKind.Int => "int64",
        CsvColumnKind.Float => "float64",
        _ => "utf8",
    };

    private static IEnumerable<RecordBatch> CsvBatches(string path, Schema schema, IReadOnlyList<CsvColumnKind> kinds)
    {
        using var csv = OpenCsv(path);
        csv.ReadHeader();
        var columns = schema.FieldsList.Select(_ => new List<object?>(BatchRows)).ToArray();
        var rows = 0;
        while (csv.Read())
        {
            // The file may have changed since the first pass.
            CheckFieldCount(csv, columns.Length, path);
            for (var c = 0; c < columns.Length; c++)
            {
                var text = csv.GetStringOrNull(c);
                columns[c].Add(string.IsNullOrEmpty(text) && kinds[c] != CsvColumnKind.Text ? null : text);
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
