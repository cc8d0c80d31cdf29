using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Tests;

/// <summary>
/// One canonical text per value, for comparing our decoded Arrow arrays with LanceDB's own scan stored as JSON
/// (floats by their bits, binary as base64).
/// </summary>
internal static class LanceCanonicalValues
{
    public static string Canon(JsonElement value, IArrowType type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return "null";
        }
        return type switch
        {
            FloatType => "f" + BitConverter.SingleToInt32Bits((float)double.Parse(value.GetString()!, CultureInfo.InvariantCulture)).ToString("x8", CultureInfo.InvariantCulture),
            DoubleType => "d" + BitConverter.DoubleToInt64Bits(double.Parse(value.GetString()!, CultureInfo.InvariantCulture)).ToString("x16", CultureInfo.InvariantCulture),
            BooleanType => value.GetBoolean() ? "true" : "false",
            StringType or BinaryType => value.GetString()!,
            FixedSizeListType fsl => "[" + string.Join(",", value.EnumerateArray().Select(v => Canon(v, fsl.ValueDataType))) + "]",
            _ => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetInt64().ToString(CultureInfo.InvariantCulture),
        };
    }

    public static string Canon(IArrowArray array, int i)
    {
        if (array.IsNull(i))
        {
            return "null";
        }
        return array switch
        {
            FloatArray f => "f" + BitConverter.SingleToInt32Bits(f.Values[i]).ToString("x8", CultureInfo.InvariantCulture),
            DoubleArray d => "d" + BitConverter.DoubleToInt64Bits(d.Values[i]).ToString("x16", CultureInfo.InvariantCulture),
            BooleanArray b => b.GetValue(i) == true ? "true" : "false",
            StringArray s => s.GetString(i),
            BinaryArray b => Convert.ToBase64String(b.GetBytes(i)),
            FixedSizeListArray l => "[" + string.Join(",", Enumerable.Range(0, ((FixedSizeListType)l.Data.DataType).ListSize)
                .Select(k => Canon(l.Values, i * ((FixedSizeListType)l.Data.DataType).ListSize + k))) + "]",
            Int8Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            UInt8Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            UInt16Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            Int32Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            Int64Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            UInt32Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            UInt64Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            Date32Array a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            TimestampArray a => a.Values[i].ToString(CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"no canonical form for {array.Data.DataType.Name}"),
        };
    }
}
