using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;
using Geneva.Core.Checkpoints;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution;

/// <summary>
/// Calls one UDF instance on a batch under its error policy. Scalar UDFs fail, retry or skip
/// per row; batch UDFs retry per call, and Skip bisects a failing batch until the failing rows
/// are isolated, so only they become null. A scalar UDF's value that cannot be stored as the
/// output type is that row's error, handled by the policy like a throwing call. A batch output of
/// the wrong type or length is a broken contract, not a row's error: it fails the job whatever
/// the policy, since retrying or skipping cannot fix it.
/// </summary>
public sealed class UdfApplier : IDisposable
{
    private readonly object _udf;
    private readonly IArrowType _outputType;
    private readonly string _outputTypeName;
    private readonly Action<TimeSpan, CancellationToken> _sleep;
    private readonly Random _random = new();

    /// <summary>Where the UDF instance runs, when it chose a device (a model UDF).</summary>
    public string? Device => (_udf as IRunsOnDevice)?.DeviceName;

    /// <summary>Rows per device batch the UDF instance works with now, for UDFs that adapt it (models).</summary>
    public int? BatchSize => (_udf as IAdaptsBatchSize)?.BatchSize;

    public void LimitBatchSize(int rows) => (_udf as IAdaptsBatchSize)?.LimitBatchSize(rows);

    private readonly bool _ownsUdf;

    /// <param name="ownsUdf">Dispose the UDF instance with the applier; false when the caller keeps it for later jobs.</param>
    public UdfApplier(UdfSpec spec, object udf, Action<TimeSpan, CancellationToken>? sleep = null, bool ownsUdf = true)
    {
        Spec = spec;
        _udf = udf;
        _ownsUdf = ownsUdf;
        _outputType = ArrowTypeNames.Parse(spec.OutputType);
        _outputTypeName = ArrowTypeNames.Format(_outputType);
        _sleep = sleep ?? ((delay, token) => token.WaitHandle.WaitOne(delay));
    }

    public UdfSpec Spec { get; }

    /// <summary>
    /// Computes the output for every row of <paramref name="input"/> (owned by the caller).
    /// <paramref name="rowOffset"/> maps an input row to its fragment offset for error records.
    /// </summary>
    public IArrowArray Apply(RecordBatch input, string jobId, int fragmentId, Func<int, int> rowOffset,
        List<RowError> errors, CancellationToken cancel)
    {
        return _udf is IBatchUdf batch
            ? ApplyBatch(batch, input, 0, jobId, fragmentId, rowOffset, errors, cancel)
            : ApplyRows((IScalarUdf)_udf, input, jobId, fragmentId, rowOffset, errors, cancel);
    }

    private IArrowArray ApplyBatch(IBatchUdf udf, RecordBatch input, int baseRow, string jobId, int fragmentId,
        Func<int, int> rowOffset, List<RowError> errors, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancel.ThrowIfCancellationRequested();
            IArrowArray output;
            try
            {
                output = udf.Apply(input);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var action = Spec.OnError.Decide(e, attempt, out var rule);
                // An expression names the row it failed on (batch-relative); errors then point at that row.
                var failing = FailingRow(e, input.Length);
                var first = rowOffset(baseRow + (failing ?? 0));
                var key = RowKey.Render(input, failing ?? 0);
                switch (action)
                {
                    case ErrorAction.Retry:
                        errors.Add(Error(jobId, fragmentId, first, attempt, e, "Retry", key, failing));
                        _sleep(rule!.DelayBeforeAttempt(attempt, _random), cancel);
                        continue;
                    case ErrorAction.Skip when input.Length == 1:
                        errors.Add(Error(jobId, fragmentId, first, attempt, e, "Skip", key, failing));
                        return ArrowValues.Build(_outputType, new object?[1]);
                    case ErrorAction.Skip:
                        return Bisect(udf, input, baseRow, jobId, fragmentId, rowOffset, errors, cancel);
                    default:
                        if (failing is null && input.Length > 1 && Locate(udf, input, cancel) is var (row, cause))
                        {
                            // The job stops anyway: finding the row the batch failed on is worth its few extra calls.
                            failing = row;
                            first = rowOffset(baseRow + row);
                            key = RowKey.Render(input, row);
                            e = cause;
                        }
                        errors.Add(Error(jobId, fragmentId, first, attempt, e, "Fail", key, failing));
                        var rows = failing is not null || input.Length == 1
                            ? $"row {first}"
                            : $"rows {first}..{rowOffset(baseRow + input.Length - 1)}";
                        throw new UdfFailedException(
                            $"UDF '{Spec.Name}' failed on fragment {fragmentId}, {rows} (attempt {attempt}): {Unplaced(e.Message, failing)}",
                            fragmentId, e, errors.ToList());
                }
            }
            Validate(output, input.Length, fragmentId, rowOffset(baseRow));
            return output;
        }
    }

    /// <summary>
    /// The first row of <paramref name="input"/> (batch-relative) that the batch UDF fails on alone
    /// or with its half, found by halving; null when no half fails (the failure needs the whole batch).
    /// </summary>
    private static (int Row, Exception Cause)? Locate(IBatchUdf udf, RecordBatch input, CancellationToken cancel)
    {
        var start = 0;
        var batch = input;
        (int, Exception)? found = null;
        while (batch.Length > 1)
        {
            cancel.ThrowIfCancellationRequested();
            var half = batch.Length / 2;
            var left = Slice(batch, 0, half);
            var right = Slice(batch, half, batch.Length - half);
            if (Fails(udf, left) is { } leftCause)
            {
                (batch, found) = (left, (start, leftCause));
            }
            else if (Fails(udf, right) is { } rightCause)
            {
                (batch, start, found) = (right, start + half, (start + half, rightCause));
            }
            else
            {
                return null;
            }
        }
        return found;
    }

    private static Exception? Fails(IBatchUdf udf, RecordBatch input)
    {
        try
        {
            udf.Apply(input).Dispose();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }

    private IArrowArray Bisect(IBatchUdf udf, RecordBatch input, int baseRow, string jobId, int fragmentId,
        Func<int, int> rowOffset, List<RowError> errors, CancellationToken cancel)
    {
        var half = input.Length / 2;
        // Slices borrow the input's buffers: disposing them would free the caller's batch.
        var left = Slice(input, 0, half);
        var right = Slice(input, half, input.Length - half);
        var a = ApplyBatch(udf, left, baseRow, jobId, fragmentId, rowOffset, errors, cancel);
        var b = ApplyBatch(udf, right, baseRow + half, jobId, fragmentId, rowOffset, errors, cancel);
        return ArrowArrayConcatenator.Concatenate([a, b])!;
    }

    private static RecordBatch Slice(RecordBatch batch, int offset, int length) =>
        new(batch.Schema, Enumerable.Range(0, batch.ColumnCount)
            .Select(c => ArrowArrayFactory.Slice(batch.Column(c), offset, length)), length);

    private IArrowArray ApplyRows(IScalarUdf udf, RecordBatch input, string jobId, int fragmentId,
        Func<int, int> rowOffset, List<RowError> errors, CancellationToken cancel)
    {
        var columns = Enumerable.Range(0, input.ColumnCount).Select(input.Column).ToArray();
        var values = new object?[input.Length];
        var args = new object?[columns.Length];
        for (var row = 0; row < input.Length; row++)
        {
            values[row] = CallRow(udf, input, columns, args, row, null, jobId, fragmentId, rowOffset, errors, cancel);
            if ((row & 1023) == 1023)
            {
                cancel.ThrowIfCancellationRequested();
            }
        }
        while (true)
        {
            try
            {
                return ArrowValues.Build(_outputType, values);
            }
            catch (GenevaException e) when (e.Code == GenevaErrorCode.TypeMismatch && e.Target is int row && row < values.Length)
            {
                // A value that cannot be stored as the column's type is that row's error, under the
                // policy like a throwing call: Skip nulls it, Retry calls the UDF again, Fail fails.
                var invalid = NotConvertible(values[row], fragmentId, rowOffset(row), e);
                values[row] = CallRow(udf, input, columns, args, row, invalid, jobId, fragmentId, rowOffset, errors, cancel);
            }
        }
    }

    /// <summary>
    /// Calls the UDF for one row under the error policy. When <paramref name="firstFailure"/> is
    /// given, the first attempt already failed with it (its output could not be converted), and
    /// later attempts check their output before it counts.
    /// </summary>
    private object? CallRow(IScalarUdf udf, RecordBatch input, IArrowArray[] columns, object?[] args, int row, Exception? firstFailure,
        string jobId, int fragmentId, Func<int, int> rowOffset, List<RowError> errors, CancellationToken cancel)
    {
        for (var c = 0; c < columns.Length; c++)
        {
            args[c] = ArrowValues.GetValue(columns[c], row);
        }
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            if (attempt == 1 && firstFailure is not null)
            {
                failure = firstFailure;
            }
            else
            {
                try
                {
                    var value = udf.Apply(args);
                    if (firstFailure is not null)
                    {
                        CheckConvertible(value, fragmentId, rowOffset(row));
                    }
                    return value;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
            }
            var action = Spec.OnError.Decide(failure, attempt, out var rule);
            var offset = rowOffset(row);
            var key = RowKey.Render(input, row);
            switch (action)
            {
                case ErrorAction.Retry:
                    errors.Add(Error(jobId, fragmentId, offset, attempt, failure, "Retry", key));
                    _sleep(rule!.DelayBeforeAttempt(attempt, _random), cancel);
                    cancel.ThrowIfCancellationRequested();
                    continue;
                case ErrorAction.Skip:
                    errors.Add(Error(jobId, fragmentId, offset, attempt, failure, "Skip", key));
                    return null;
                default:
                    errors.Add(Error(jobId, fragmentId, offset, attempt, failure, "Fail", key));
                    throw new UdfFailedException(failure is GenevaException { Code: GenevaErrorCode.UdfOutputInvalid }
                            ? $"{failure.Message} (attempt {attempt})"
                            : $"UDF '{Spec.Name}' failed on fragment {fragmentId}, row {offset} (attempt {attempt}): {failure.Message}",
                        fragmentId, failure, errors.ToList());
            }
        }
    }

    private void CheckConvertible(object? value, int fragmentId, int offset)
    {
        try
        {
            ArrowValues.Build(_outputType, [value]);
        }
        catch (GenevaException e) when (e.Code == GenevaErrorCode.TypeMismatch)
        {
            throw NotConvertible(value, fragmentId, offset, e);
        }
    }

    /// <summary>A row's output that cannot be stored as the output type; its inner exception is the conversion's (FormatException, ...).</summary>
    private GenevaException NotConvertible(object? value, int fragmentId, int offset, GenevaException conversion)
    {
        var cause = conversion.InnerException ?? conversion;
        return new GenevaException(GenevaErrorCode.UdfOutputInvalid,
            $"UDF '{Spec.Name}' returned '{value}' ({value?.GetType().Name}), which is not {_outputTypeName}, " +
            $"on fragment {fragmentId}, row {offset}: {Unplaced(cause.Message, conversion.Target as int?)}", fragmentId, cause);
    }

    private void Validate(IArrowArray output, int expectedLength, int fragmentId, int firstRow)
    {
        var type = output.Data.DataType;
        if (!ArrowTypeNames.TryParse(SafeFormat(type), out var parsed) || ArrowTypeNames.Format(parsed) != _outputTypeName)
        {
            throw new GenevaException(GenevaErrorCode.UdfOutputInvalid,
                $"UDF '{Spec.Name}' returned {SafeFormat(type)} values but its output type is {_outputTypeName} " +
                $"(fragment {fragmentId}, rows from {firstRow}).", fragmentId);
        }
        if (output.Length != expectedLength)
        {
            throw new GenevaException(GenevaErrorCode.UdfOutputInvalid,
                $"UDF '{Spec.Name}' returned {output.Length} values for {expectedLength} rows " +
                $"(fragment {fragmentId}, rows from {firstRow}); a UDF must return one value per row.", fragmentId);
        }
    }

    private static string SafeFormat(IArrowType type)
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

    private static RowError Error(string jobId, int fragmentId, int offset, int attempt, Exception e, string action,
        string key, int? batchRow = null) =>
        new(jobId, fragmentId, offset, attempt, Innermost(e).GetType().FullName ?? "Exception",
            Unplaced(Innermost(e).Message, batchRow), action, DateTimeOffset.UtcNow, key);

    /// <summary>The batch-relative row an engine error names (expression kernels, value conversion), if any.</summary>
    private static int? FailingRow(Exception e, int rows) =>
        Innermost(e) is GenevaException { Target: int row } && row >= 0 && row < rows ? row : null;

    /// <summary>
    /// An engine message without its batch-relative " at row N": the caller names the row by its
    /// fragment offset, so the message gives one row number, not two that disagree.
    /// </summary>
    private static string Unplaced(string message, int? batchRow) =>
        batchRow is { } row ? message.Replace($" at row {row}", "", StringComparison.Ordinal) : message;

    private static Exception Innermost(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner })
        {
            e = inner;
        }
        return e;
    }

    public void Dispose()
    {
        if (_ownsUdf)
        {
            (_udf as IDisposable)?.Dispose();
        }
    }
}
