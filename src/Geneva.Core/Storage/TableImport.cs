using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using CsvHelper;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads rows to create a table from: CSV (through CsvHelper; a first pass checks every row and
/// infers each column's type, or checks every value against the type given for it, a second streams
/// batches, so memory stays bounded; see <see cref="CsvValues"/> for the rules) or an Arrow IPC
/// file or stream. A CSV row with more or fewer fields than the header is an error naming its line,
/// found by the first pass, before anything is written.
/// </summary>
public static class TableImport
{
    public const int BatchRows = 65_536;

    public static (Schema Schema, IEnumerable<RecordBatch> Batches) Read(string path) => Read(path, null);

    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="types"/> gives CSV columns (by name, any case) a type instead of
    /// the inferred one. A value that does not convert is an error naming its line, row, column and value.
    /// </summary>
    public static (Schema Schema, IEnumerable<RecordBatch> Batches) Read(string path, IReadOnlyDictionary<string, string>? types)
    {
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.FileNotFound, $"The file '{path}' does not exist.", path);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (ArrowExtensions.Contains(extension))
        {
            if (types is { Count: > 0 })
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument,
                    $"'{path}' is an Arrow IPC file, whose columns already have types; column types can be given for CSV files only.", path);
            }
            return ReadArrow(path);
        }
        if (CsvExtensions.Contains(extension))
        {
            return ReadCsv(path, types);
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

    private static (Schema, IEnumerable<RecordBatch>) ReadCsv(string path, IReadOnlyDictionary<string, string>? types)
    {
        string[] header;
        var kinds = new List<CsvColumnKind>();
        IArrowType?[] given;
        CsvValues.TryConvert?[] converters;
        using (var csv = OpenCsv(path))
        {
            csv.ReadHeader();
            if (csv.Headers is not { Count: > 0 })
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument, $"'{path}' has no header row.", path);
            }
            header = [.. csv.Headers];
            (given, converters) = GivenTypes(header, types, path);
            kinds.AddRange(header.Select(_ => CsvColumnKind.Unknown));
            var row = 0L;
            while (csv.Read())
            {
                row++;
                CheckFieldCount(csv, header.Length, path);
                for (var c = 0; c < header.Length; c++)
                {
                    var text = csv.GetStringOrNull(c);
                    if (converters[c] is { } convert)
                    {
                        // Checked in this first pass, so a bad value stops the import before anything is written.
                        if (!CsvValues.IsNull(text) && !convert(text!, out _) && given[c] is not (StringType or LargeStringType))
                        {
                            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                                $"'{path}', line {csv.LineNumber} (row {row}), column '{header[c]}': '{text}' is not {CsvValues.Expected(given[c]!)}, " +
                                $"the column's given type being {ArrowTypeNames.Format(given[c]!)}. Empty fields and " +
                                $"{string.Join(", ", CsvValues.NullMarkers.Where(m => m.Length > 0))} are read as null.", header[c]);
                        }
                    }
                    else
                    {
                        kinds[c] = CsvValues.Widen(kinds[c], text);
                    }
                }
            }
        }
        var fields = header.Select((name, c) => new Field(name, given[c] ?? ArrowTypeNames.Parse(CsvValues.TypeName(kinds[c])), true));
        var schema = new Schema(fields, null);
        var parse = schema.FieldsList.Select(f => f.DataType is StringType or LargeStringType ? null : CsvValues.ConverterFor(f.DataType)).ToArray();
        return (schema, CsvBatches(path, schema, parse));
    }

    /// <summary>Each CSV column's given type (null: inferred) and its converter; names a given column the file lacks.</summary>
    private static (IArrowType?[] Types, CsvValues.TryConvert?[] Converters) GivenTypes(string[] header,
        IReadOnlyDictionary<string, string>? types, string path)
    {
        var given = new IArrowType?[header.Length];
        var converters = new CsvValues.TryConvert?[header.Length];
        foreach (var (name, typeName) in types ?? new Dictionary<string, string>())
        {
            var c = System.Array.IndexOf(header, name);
            if (c < 0)
            {
                var matches = header.Select((h, i) => (h, i)).Where(p => string.Equals(p.h, name, StringComparison.OrdinalIgnoreCase)).ToList();
                c = matches.Count == 1 ? matches[0].i : throw new GenevaException(GenevaErrorCode.ColumnNotFound,
                    $"'{path}' has no column '{name}' to give a type to. Its columns: {string.Join(", ", header)}.", name);
            }
            var type = ArrowTypeNames.Parse(typeName);
            converters[c] = CsvValues.ConverterFor(type) ?? throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"Column '{header[c]}' cannot be read from CSV as {ArrowTypeNames.Format(type)}: CSV fields hold scalar values only.", name);
            given[c] = type;
        }
        return (given, converters);
    }

    /// <summary>
    /// The rows, in batches. <paramref name="parse"/> holds each column's converter; null for text columns, whose
    /// fields are kept as they are (an empty field is an empty string).
    /// </summary>
    private static IEnumerable<RecordBatch> CsvBatches(string path, Schema schema, CsvValues.TryConvert?[] parse)
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
                if (parse[c] is not { } convert)
                {
                    columns[c].Add(text);
                }
                else if (CsvValues.IsNull(text))
                {
                    columns[c].Add(null);
                }
                else
                {
                    columns[c].Add(convert(text!, out var value) ? value : throw new GenevaException(GenevaErrorCode.TypeMismatch,
                        $"'{path}', line {csv.LineNumber}, column '{schema.FieldsList[c].Name}': '{text}' is not " +
                        $"{CsvValues.Expected(schema.FieldsList[c].DataType)}; the file changed while it was read.", schema.FieldsList[c].Name));
                }
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
