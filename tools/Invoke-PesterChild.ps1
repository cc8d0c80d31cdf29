# Runs Pester in its own pwsh (started by build.ps1) so the module under test loads into a clean
# process, and writes the counts build.ps1 needs to a JSON file. Run.Exit stays false: the exit
# code of this process only says whether Pester itself could run.
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultDirectory
)

$ErrorActionPreference = 'Stop'

Import-Module $PesterPath -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $config

[ordered]@{
    Result                = $result.Result
    TotalCount            = $result.TotalCount
    PassedCount           = $result.PassedCount
    FailedCount           = $result.FailedCount
    SkippedCount          = $result.SkippedCount
    NotRunCount           = $result.NotRunCount
    FailedBlocksCount     = $result.FailedBlocksCount
    FailedContainersCount = $result.FailedContainersCount
} | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultDirectory 'pester-summary.json') -Encoding utf8
