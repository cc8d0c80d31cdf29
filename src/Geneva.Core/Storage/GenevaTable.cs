using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Expressions;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Udfs;

namespace Geneva.Core.Storage;

/// <summary>
/// A table pinned to one version. Every change commits a new version (see <see cref="Commit"/>)
/// and returns the table pinned to it; this object never changes.
/// </summary>
public sealed class GenevaTable
{
    /// <summary>How many times a commit rebases onto newer versions before reporting a conflict.</summary>
    public const int MaxCommitAttempts = 10;

    private GenevaTable(string path, TableManifest manifest)
    {
        Path = path;
        Manifest = manifest;
    }

    public string Path { get; }

    public TableManifest Manifest { get; }

    public long Version => Manifest.Version;

    public string TableId => Manifest.TableId;

    /// <summary>The table's columns as an Arrow schema (every column nullable).</summary>
    public Schema ArrowSchema => new(Manifest.Fields.Select(f => new Field(f.Name, ArrowTypeNames.Parse(f.Type), true)), null);

    public static bool Exists(string path) => ManifestStore.IsTable(path);

    public static GenevaTable Open(string path, long? version = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!ManifestStore.IsTable(full))
        {
            throw new GenevaException(GenevaErrorCode.TableNotFound,
                Directory.Exists(full)
                    ? $"'{full}' is a folder but not a table (a Lance dataset has a {ManifestStore.VersionsFolder} folder)."
                    : $"No table at '{full}': the path does not exist.", full);
        }
        var v = version ?? ManifestStore.LatestVersion(full);
        return new GenevaTable(full, ManifestStore.Read(full, v));
    }

    /// <summary>Creates a table from batches that all share <paramref name="schema"/>.</summary>
    public static GenevaTable Create(string path, Schema schema, IEnumerable<RecordBatch> batches, TableWriteOptions? options = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (ManifestStore.IsTable(full))
        {
            throw new GenevaException(GenevaErrorCode.TableExists, $"A Geneva table already exists at '{full}'.", full);
        }
        if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
        {
            throw new GenevaException(GenevaErrorCode.TableExists,
                $"'{full}' exists and is not an empty folder; choose a new path for the table.", full);
        }
        if (schema.FieldsList.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, "A table needs at least one column.", full);
        }
        var fields = new List<SchemaField>();
        var nextFieldId = 0;
        foreach (var f in schema.FieldsList)
        {
            if (fields.Any(x => string.Equals(x.Name, f.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new GenevaException(GenevaErrorCode.ColumnExists, $"Column '{f.Name}' appears twice.", f.Name);
            }
            var type = ArrowTypeNames.Format(f.DataType);
            fields.Add(new SchemaField(nextFieldId, f.Name, type));
            nextFieldId += LanceManifestBuilder.IdsNeeded(type);
        }
        var created = !Directory.Exists(full);
        IReadOnlyList<FragmentEntry> fragments;
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(full, LanceTableReader.DataFolder));
            fragments = WriteFragments(full, schema, fields, null, batches, options ?? new TableWriteOptions());
            Directory.CreateDirectory(System.IO.Path.Combine(full, ManifestStore.VersionsFolder));
        }
        catch
        {
            // The fragment writer removed its files; leave no empty table folder behind either.
            RemoveIfEmpty(System.IO.Path.Combine(full, LanceTableReader.DataFolder));
            if (created)
            {
                RemoveIfEmpty(full);
            }
            throw;
        }
        var manifest = new TableManifest
        {
            TableId = Guid.NewGuid().ToString(),
            Version = 1,
            Timestamp = DateTimeOffset.UtcNow,
            Operation = "create",
            Fields = fields,
            Fragments = Number(fragments, 0),
            NextFieldId = nextFieldId,
            NextFragmentId = fragments.Count,
        };
        if (!ManifestStore.TryCreate(full, manifest))
        {
            throw new GenevaException(GenevaErrorCode.TableExists, $"Another writer created a table at '{full}' first.", full);
        }
        return new GenevaTable(full, manifest);
    }

    private static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty folder is harmless.
        }
    }

    private static IReadOnlyList<FragmentEntry> WriteFragments(string tablePath, Schema schema,
        IReadOnlyList<SchemaField> fields, Lance.Proto.Manifest? source, IEnumerable<RecordBatch> batches,
        TableWriteOptions options, IReadOnlyList<ComputedColumn>? computed = null)
    {
        FragmentWriter.CheckSchema(schema, fields, tablePath);
        var columns = schema.FieldsList.Select(f => fields.First(x =>
            string.Equals(x.Name, f.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        using var writer = new FragmentWriter(tablePath, schema, columns, source, options, computed);
        foreach (var batch in batches)
        {
            if (!SameSchema(batch.Schema, schema))
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    "All batches written in one call must have the same columns and types.", tablePath);
            }
            writer.Add(batch);
        }
        return writer.Complete();
    }

    private static bool SameSchema(Schema a, Schema b) =>
        a.FieldsList.Count == b.FieldsList.Count &&
        a.FieldsList.Zip(b.FieldsList).All(p => p.First.Name == p.Second.Name &&
            ArrowTypeNames.Format(p.First.DataType) == ArrowTypeNames.Format(p.Second.DataType));

    private static List<FragmentEntry> Number(IReadOnlyList<FragmentEntry> fragments, int firstId) =>
        fragments.Select((f, i) => f with { Id = firstId + i }).ToList();

    /// <summary>
    /// Appends rows as new fragments. Columns the batches lack are null in the new rows. Values for
    /// computed columns are refused unless <see cref="TableWriteOptions.KeepComputedValues"/>.
    /// </summary>
    public GenevaTable Append(Schema schema, IEnumerable<RecordBatch> batches, TableWriteOptions? options = null)
    {
        var fragments = WriteFragments(Path, schema, Manifest.Fields, Manifest.Source?.Manifest, batches,
            options ?? new TableWriteOptions(), ComputedColumn.Of(Manifest));
        if (fragments.Count == 0)
        {
            return this;
        }
        var rows = fragments.Sum(f => (long)f.RowCount);
        return Commit("append", $"{rows} rows in {fragments.Count} fragment(s)", latest =>
        {
            FragmentWriter.CheckSchema(schema, latest.Fields, Path);
            return latest with
            {
                Fragments = [.. latest.Fragments, .. Number(fragments, latest.NextFragmentId)],
                NextFragmentId = latest.NextFragmentId + fragments.Count,
            };
        });
    }

    /// <summary>Adds a nullable column, bound to <paramref name="udf"/> when given; null until backfilled.</summary>
    public GenevaTable AddColumn(string name, string type, UdfSpec? udf)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, "A column name cannot be empty.", name);
        }
        var canonicalType = ArrowTypeNames.Format(ArrowTypeNames.Parse(type));
        if (udf is not null)
        {
            CheckBinding(Manifest, name, udf);
        }
        return Commit("add_column", name, latest =>
        {
            if (latest.FindField(name) is not null)
            {
                throw new GenevaException(GenevaErrorCode.ColumnExists,
                    $"Column '{name}' already exists in table '{Path}'; rebind it instead.", name);
            }
            if (udf is not null)
            {
                CheckBinding(latest, name, udf);
            }
            var bindings = new Dictionary<string, UdfSpec>(latest.Bindings, StringComparer.OrdinalIgnoreCase);
            if (udf is not null)
            {
                bindings[name] = udf;
            }
            return latest with
            {
                Fields = [.. latest.Fields, new SchemaField(latest.NextFieldId, name, canonicalType)],
                NextFieldId = latest.NextFieldId + LanceManifestBuilder.IdsNeeded(canonicalType),
                Bindings = bindings,
            };
        });
    }

    /// <summary>Binds an existing column to a new UDF; values stay until the next backfill recomputes them.</summary>
    public GenevaTable SetBinding(string name, UdfSpec udf)
    {
        CheckBinding(Manifest, name, udf);
        return Commit("set_column", name, latest =>
        {
            CheckBinding(latest, name, udf);
            var bindings = new Dictionary<string, UdfSpec>(latest.Bindings, StringComparer.OrdinalIgnoreCase)
            {
                [latest.GetField(name).Name] = udf,
            };
            return latest with { Bindings = bindings };
        });
    }

    private static void CheckBinding(TableManifest manifest, string column, UdfSpec udf)
    {
        var existing = manifest.FindField(column);
        if (existing is not null && existing.Type != ArrowTypeNames.Format(ArrowTypeNames.Parse(udf.OutputType)))
        {
            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"Column '{column}' is {existing.Type} but UDF '{udf.Name}' returns {udf.OutputType}.", column);
        }
        foreach (var input in udf.InputColumns)
        {
            if (string.Equals(input, column, StringComparison.OrdinalIgnoreCase))
            {
                throw new GenevaException(GenevaErrorCode.UdfDefinitionInvalid,
                    $"UDF '{udf.Name}' cannot read its own output column '{column}'.", column);
            }
            manifest.GetField(input);
        }
    }

    /// <summary>
    /// Commits a change as the next version. <paramref name="change"/> is applied to the latest
    /// version (not necessarily this one): when another writer commits first, the change is
    /// re-applied on top of theirs (after a jittered backoff, see <see cref="CommitBackoff"/>), and it
    /// throws CommitConflict itself when it no longer applies.
    /// </summary>
    public GenevaTable Commit(string operation, string? detail, Func<TableManifest, TableManifest> change) =>
        Commit(operation, detail, change, out _);

    /// <inheritdoc cref="Commit(string, string?, Func{TableManifest, TableManifest})"/>
    /// <param name="attempts">Tries it took; more than 1 means it rebased onto other writers' versions.</param>
    public GenevaTable Commit(string operation, string? detail, Func<TableManifest, TableManifest> change, out int attempts)
    {
        for (var attempt = 1; attempt <= MaxCommitAttempts; attempt++)
        {
            var latest = ManifestStore.Read(Path, ManifestStore.LatestVersion(Path));
            var next = change(latest) with
            {
                Version = latest.Version + 1,
                Timestamp = DateTimeOffset.UtcNow,
                Operation = operation,
                OperationDetail = detail,
            };
            if (ManifestStore.TryCreate(Path, next))
            {
                attempts = attempt;
                return new GenevaTable(Path, next);
            }
            if (attempt < MaxCommitAttempts)
            {
                Thread.Sleep(CommitBackoff.Delay(attempt, Random.Shared));
            }
        }
        throw new GenevaException(GenevaErrorCode.CommitConflict,
            $"Could not commit to '{Path}': other writers committed {MaxCommitAttempts} times in a row. Try again.", Path);
    }

    public IReadOnlyList<TableVersionInfo> ListVersions() =>
        ManifestStore.ListVersions(Path).Select(v =>
        {
            var m = ManifestStore.Read(Path, v);
            var (operation, detail) = ManifestStore.ReadOperation(Path, v);
            return new TableVersionInfo(m.Version, m.Timestamp, operation, detail, m.RowCount, m.Fragments.Count) { TablePath = Path };
        }).ToList();

    /// <summary>
    /// Reads rows in fragment order. Each batch handed out is owned by the caller only until the
    /// next one is produced; copy what must outlive that.
    /// </summary>
    /// <param name="includeRowAddress">Append each row's address as a last <see cref="RowAddress.ColumnName"/> column (uint64).</param>
    public IEnumerable<RecordBatch> Scan(IReadOnlyList<string>? columns = null, SqlExpression? where = null, long? first = null,
        bool includeRowAddress = false)
    {
        var fields = columns is null || columns.Count == 0
            ? Manifest.Fields.ToList()
            : columns.Select(Manifest.GetField).ToList();
        var filterFields = where?.Columns.Select(Manifest.GetField).ToList() ?? [];
        var readFields = fields.Concat(filterFields.Where(f => !fields.Contains(f))).ToList();
        long remaining = first ?? long.MaxValue;
        foreach (var fragment in Manifest.Fragments)
        {
            using var reader = new FragmentReader(Path, fragment);
            var grid = Math.Max(1, reader.BatchGrid(readFields[0]));
            for (var start = 0; start < fragment.RowCount && remaining > 0; start += grid)
            {
                var length = Math.Min(grid, fragment.RowCount - start);
                var batch = reader.Read(readFields, start, length);
                // Rows a Lance delete removed are never read: drop them before the filter sees them.
                var kept = LiveRows.In(reader.DeletedRows, start, length);
                if (kept is not null)
                {
                    batch = ArrowSelection.Take(batch, kept);
                }
                if (where is not null)
                {
                    var indices = ArrowSelection.Indices(EvaluateFilter(where, batch, fragment.Id, start));
                    kept = kept is null ? indices : indices.Select(i => kept[i]).ToArray();
                    batch = ArrowSelection.Take(Project(batch, fields.Count), indices);
                }
                else if (readFields.Count != fields.Count)
                {
                    batch = Project(batch, fields.Count);
                }
                if (batch.Length > remaining)
                {
                    batch = ArrowSelection.Take(batch, Enumerable.Range(0, (int)remaining).ToList());
                }
                remaining -= batch.Length;
                if (batch.Length > 0)
                {
                    yield return includeRowAddress ? RowAddress.Append(batch, fragment.Id, start, kept) : batch;
                }
            }
        }
    }

    /// <summary>
    /// Evaluates the filter; an error that names a row of the batch (a division by zero) is reported at
    /// the row's fragment and offset instead, so the message gives the one row number a reader can find.
    /// </summary>
    private static bool[] EvaluateFilter(SqlExpression where, RecordBatch batch, int fragmentId, int start)
    {
        try
        {
            return where.EvaluateFilter(batch);
        }
        catch (GenevaException e) when (e.Target is int row && row >= 0 && row < batch.Length)
        {
            throw new GenevaException(e.Code,
                $"The filter failed on fragment {fragmentId}, row {start + row}: " +
                e.Message.Replace($" at row {row}", "", StringComparison.Ordinal), fragmentId, e);
        }
    }

    private static RecordBatch Project(RecordBatch batch, int count)
    {
        var schema = new Schema(batch.Schema.FieldsList.Take(count), null);
        return new RecordBatch(schema, Enumerable.Range(0, count).Select(batch.Column), batch.Length);
    }
}
