using Apache.Arrow;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class UdfApplierTests
{
    /// <summary>Upper (utf8) bound as int64: "12" converts, "BOOM" does not.</summary>
    private static UdfApplier Upper(ErrorPolicy policy)
    {
        var spec = TestData.Udf("Upper") with { OutputType = "int64", OnError = policy };
        var udf = UdfRegistry.CreateInstance(spec);
        return new UdfApplier(spec, udf, (_, _) => { });
    }

    private static RecordBatch Texts(params string[] values)
    {
        var builder = new StringArray.Builder();
        foreach (var v in values)
        {
            builder.Append(v);
        }
        var schema = new Schema.Builder().Field(f => f.Name("text").DataType(Apache.Arrow.Types.StringType.Default)).Build();
        return new RecordBatch(schema, [builder.Build()], values.Length);
    }

    [Fact]
    public void Apply_ScalarOutputNotConvertibleUnderSkip_NullsThatRowAndRecordsIt()
    {
        using var applier = Upper(ErrorPolicy.Skip);
        var errors = new List<RowError>();
        var output = (Int64Array)applier.Apply(Texts("12", "boom", "7", "x"), "job", 3, i => 100 + i, errors, CancellationToken.None);
        Assert.Equal([12L, null, 7L, null], Enumerable.Range(0, 4).Select(i => output.GetValue(i)));
        Assert.Equal([(3, 101, "Skip"), (3, 103, "Skip")], errors.Select(e => (e.FragmentId, e.RowOffset, e.Action)));
        Assert.Contains("BOOM", errors[0].Message);
    }

    [Fact]
    public void Apply_ScalarOutputNotConvertibleUnderFail_FailsNamingTheRowAndRecordsIt()
    {
        using var applier = Upper(ErrorPolicy.Fail);
        var errors = new List<RowError>();
        var e = Assert.Throws<UdfFailedException>(() =>
            applier.Apply(Texts("12", "boom"), "job", 3, i => 100 + i, errors, CancellationToken.None));
        Assert.Contains("row 101", e.Message);
        var error = Assert.Single(e.Errors);
        Assert.Equal((101, "Fail"), (error.RowOffset, error.Action));
    }

    [Fact]
    public void Apply_BatchFailsUnderFail_RecordsTheRowItFailedOnWithItsKey()
    {
        var spec = TestData.Udf("BatchFailOnBoom") with { OnError = ErrorPolicy.Fail };
        using var applier = new UdfApplier(spec, UdfRegistry.CreateInstance(spec), (_, _) => { });
        var texts = Enumerable.Range(0, 100).Select(i => i == 61 ? "boom" : $"row{i}").ToArray();

        var e = Assert.Throws<UdfFailedException>(() =>
            applier.Apply(Texts(texts), "job", 2, i => 1000 + i, [], CancellationToken.None));

        Assert.Contains("fragment 2, row 1061 ", e.Message);
        var error = Assert.Single(e.Errors);
        Assert.Equal((1061, "Fail", "text='boom'"), (error.RowOffset, error.Action, error.Key));
    }

    [Fact]
    public void Apply_ScalarOutputNotConvertibleUnderMatchingRule_FollowsTheRule()
    {
        // A rule for the conversion's own exception type matches too.
        var policy = new ErrorPolicy { Rules = [new ErrorRule { ExceptionType = "FormatException", Action = ErrorAction.Skip }] };
        using var applier = Upper(policy);
        var errors = new List<RowError>();
        var output = applier.Apply(Texts("boom", "5"), "job", 0, i => i, errors, CancellationToken.None);
        Assert.Equal(1, output.NullCount);
        Assert.Equal("Skip", Assert.Single(errors).Action);
    }
}
