using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Geneva.Core;

namespace Geneva.Core.Tests;

/// <summary>
/// The engine knows nothing of PowerShell: no string compiled into Geneva.Core names a cmdlet or
/// a script. The cmdlet layer adds the commands that help (ErrorRecord.ErrorDetails.RecommendedAction).
/// </summary>
public sealed class CoreMessagesTests
{
    private static readonly Regex s_cmdletOrScript = new(
        @"\b(Get|Set|Add|New|Start|Resume|Read|Remove|Stop|Wait|Receive)-(Geneva\w+|Job)\b|\.ps1\b|\bpwsh\b",
        RegexOptions.CultureInvariant);

    [Fact]
    public void CoreAssembly_StringLiterals_NameNoCmdletOrScript()
    {
        using var stream = File.OpenRead(typeof(GenevaException).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var offenders = new List<string>();
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            var text = metadata.GetUserString(handle);
            if (s_cmdletOrScript.IsMatch(text))
            {
                offenders.Add(text);
            }
            handle = metadata.GetNextHandle(handle);
        }
        Assert.Empty(offenders);
    }
}
