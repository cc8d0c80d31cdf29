using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using TorchSharp;
using static TorchSharp.torch;

namespace Geneva.Torch;

/// <summary>
/// Arrow input column to a tensor on the model's device: a numeric column to [B], a fixed-size
/// list to [B, D], a list to [B, L] padded with zeros to the batch's longest list. Dense values are
/// copied once, from the Arrow buffer straight into the tensor's memory (no managed array in between:
/// at 512 rows of 128 floats that would be a 256 KB large-object allocation per forward pass); nulls
/// are not allowed (a model has no null).
/// </summary>
internal static class TensorInput
{
    public static Tensor From(IArrowArray column, Device device)
    {
        if (column.NullCount > 0)
        {
            throw new ArgumentException($"The model input has {column.NullCount} null value(s); filter them out with -Where.");
        }
        return column switch
        {
            FixedSizeListArray list => Dense(list.Values, list.Length, ((FixedSizeListType)list.Data.DataType).ListSize, list.Offset, device),
            ListArray list => Padded(list, device),
            _ => Dense(column, column.Length, 1, 0, device).reshape(column.Length),
        };
    }

    /// <summary>Rows of <paramref name="width"/> values each, from a flat values array starting at row <paramref name="firstRow"/>.</summary>
    private static Tensor Dense(IArrowArray values, int rows, int width, int firstRow, Device device)
    {
        var start = firstRow * width;
        var count = rows * width;
        return values switch
        {
            FloatArray a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Float32, device),
            DoubleArray a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Float64, device),
            Int64Array a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Int64, device),
            Int32Array a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Int32, device),
            Int16Array a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Int16, device),
            Int8Array a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Int8, device),
            UInt8Array a => Copy(a.Values.Slice(start, count), rows, width, ScalarType.Byte, device),
            _ => throw new ArgumentException($"A model input of type {values.Data.DataType.Name} is not supported; use a numeric column or a list of numbers."),
        };
    }

    /// <summary>A CPU tensor filled from the span, then moved to the device (a no-op on the CPU).</summary>
    private static Tensor Copy<T>(ReadOnlySpan<T> values, int rows, int width, ScalarType type, Device device) where T : unmanaged
    {
        var tensor = torch.empty([rows, width], type, CPU);
        MemoryMarshal.AsBytes(values).CopyTo(tensor.bytes);
        return device.type == DeviceType.CPU ? tensor : tensor.to(device);
    }

    private static Tensor Padded(ListArray list, Device device)
    {
        var longest = 0;
        for (var i = 0; i < list.Length; i++)
        {
            longest = Math.Max(longest, list.GetValueLength(i));
        }
        return list.Values switch
        {
            Int64Array v => Pad(list, v.Values, longest, device),
            Int32Array v => Pad(list, v.Values, longest, device),
            FloatArray v => Pad(list, v.Values, longest, device),
            DoubleArray v => Pad(list, v.Values, longest, device),
            _ => throw new ArgumentException($"A list model input of {list.Values.Data.DataType.Name} is not supported; use a list of int32, int64, float or double."),
        };
    }

    private static Tensor Pad<T>(ListArray list, ReadOnlySpan<T> values, int longest, Device device) where T : unmanaged
    {
        var padded = new T[list.Length * longest];
        for (var i = 0; i < list.Length; i++)
        {
            var offset = list.ValueOffsets[i];
            values.Slice(offset, list.GetValueLength(i)).CopyTo(padded.AsSpan(i * longest));
        }
        return Create(padded, list.Length, longest, device);
    }

    private static Tensor Create<T>(T[] data, int rows, int width, Device device) => data switch
    {
        long[] d => torch.tensor(d, [rows, width], device: device),
        int[] d => torch.tensor(d, [rows, width], device: device),
        float[] d => torch.tensor(d, [rows, width], device: device),
        double[] d => torch.tensor(d, [rows, width], device: device),
        _ => throw new ArgumentException($"Unsupported element type {typeof(T).Name}."),
    };
}
