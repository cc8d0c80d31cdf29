#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the Geneva module, packages it, runs the sample, or runs every test.
.DESCRIPTION
    Build:  publishes src/Geneva.PowerShell (no runtime identifier, so one folder serves every
            platform; native SQLite for linux-x64/arm64, osx-x64/arm64 and win-x64/arm64) into
            module/bin, src/Geneva.Cluster.Host (clusters: Orleans, in a folder of its own) into
            module/bin/cluster, and src/Geneva.Torch.Worker (model UDFs: TorchSharp with the CPU libtorch, for
            this platform) into module/bin/torch. Downloads nothing for model UDFs.
    Package: Build, then writes two packages with PSResourceGet's Publish-PSResource into artifacts/
            (a folder repository): Geneva.<version>.nupkg, the module with its cluster host (bin/cluster)
            and without model UDFs' worker, and Geneva.Torch.<version>.nupkg, the model worker with this platform's libtorch, which
            Install-GenevaTorchRuntime installs. The version is ModuleVersion in module/Geneva.psd1, the
            one place it is kept (Directory.Build.props gives it to every assembly). Install:
                Register-PSResourceRepository -Name local -Uri ./artifacts -Trusted
                Install-PSResource Geneva -Repository local; Import-Module Geneva
                Install-GenevaTorchRuntime -Repository local      # only for model UDFs
    Sample: Build, then runs samples/sample.ps1 in a fresh pwsh.
    Help:   Build, then tools/Build-Help.ps1 (in a fresh pwsh): checks help/*.md against the cmdlets
            and regenerates module/en-US/Geneva.PowerShell.dll-Help.xml. The MAML is committed, so
            Build does not need this; run it after changing help/*.md or a cmdlet's parameters.
            (-UpdateMarkdown: run tools/Build-Help.ps1 -UpdateMarkdown directly to refresh the
            generated SYNTAX and parameter yaml blocks.)
    TorchRuntime: Build, then installs module/bin/torch/torch-runtime: the private glibc/libstdc++
            (Debian 13's, downloaded with apt-get) that model-UDF workers run on where the system
            libstdc++ lacks GLIBCXX_3.4.32 (tools/Install-TorchRuntime.ps1; nothing to do on newer
            systems). Install-GenevaTorchRuntime does the same for an installed or built module.
    Test:   Installs LanceDB for the interop tests (npm ci in tests/interop; node 20 and npm are
            required, and their absence fails the task), Build, TorchRuntime, Package (the package
            tests install both packages in a temporary home), then the xunit tests
            (tests/Geneva.Core.Tests, tests/Geneva.Cluster.Tests) and the Pester tests (tests/Geneva.PowerShell.Tests, in a fresh
            pwsh). Ends with one line "Total: <N> passed, <M> failed" and exits 1 if anything failed
            or a runner did not run.
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Sample', 'Help', 'TorchRuntime', 'Test')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
# Native tools report through exit codes; each call below checks $LASTEXITCODE itself.
$PSNativeCommandUseErrorActionPreference = $false

$PesterVersion = '5.7.1'
$TestResultDirectory = Join-Path $PSScriptRoot 'out/test'

# Runs a native command and throws if it fails.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )
    # Out-Host keeps the tool's output off this function's output, which callers may capture.
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# The command line that starts this same pwsh again. As a local dotnet tool ('dotnet pwsh') the
# process is the dotnet host running pwsh.dll, so the dll has to be passed along.
function Get-PwshCommandLine {
    $processPath = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        return , @($processPath, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return , @($processPath)
}

# Runs a script in a fresh 'pwsh -NoProfile' and returns its exit code.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [string[]] $ArgumentList = @()
    )
    $commandLine = Get-PwshCommandLine
    $exe = $commandLine[0]
    $prefix = @($commandLine | Select-Object -Skip 1)
    & $exe @prefix -NoProfile -NonInteractive -File $ScriptPath @ArgumentList | Out-Host
    return $LASTEXITCODE
}

function Invoke-Build {
    Write-Host "==> Build ($Configuration): src/Geneva.PowerShell -> module/bin"
    Invoke-Native dotnet @(
        'publish', (Join-Path $PSScriptRoot 'src/Geneva.PowerShell'),
        '-c', $Configuration,
        '-o', (Join-Path $PSScriptRoot 'module/bin'),
        '--nologo', '-v', 'minimal'
    )
    # ReadyToRun images for this platform in module/bin/<os>-<arch>/ (bench/README.md, start-up): the session's
    # libraries (module/Geneva.ReadyToRun.psm1) and the workers load them from there and start without JIT. An image
    # for another platform does not load at all, so module/bin itself stays portable.
    $platform = '{0}-{1}' -f ($IsWindows ? 'win' : $IsMacOS ? 'osx' : 'linux'),
        [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    Write-Host "==> Build ($Configuration): src/Geneva.PowerShell, ReadyToRun -> module/bin/$platform"
    Invoke-Native dotnet @(
        'publish', (Join-Path $PSScriptRoot 'src/Geneva.PowerShell'),
        '-c', $Configuration,
        '-r', $platform, '--self-contained', 'false', '-p:PublishReadyToRun=true',
        '-o', (Join-Path $PSScriptRoot "module/bin/$platform"),
        '--nologo', '-v', 'minimal'
    )
    # Clusters: Geneva.Cluster.Host and Orleans in a folder of their own, so Orleans never loads into pwsh and its
    # dependencies never sit beside the module's. Framework-dependent and portable, like module/bin.
    Write-Host "==> Build ($Configuration): src/Geneva.Cluster.Host -> module/bin/cluster"
    Invoke-Native dotnet @(
        'publish', (Join-Path $PSScriptRoot 'src/Geneva.Cluster.Host'),
        '-c', $Configuration,
        '-o', (Join-Path $PSScriptRoot 'module/bin/cluster'),
        '--nologo', '-v', 'minimal'
    )
    # Native SQLite (through Geneva.Core) for the platforms the module ships, as module/bin has it, not the thirty
    # SQLitePCLRaw carries (53 MB). Folders without an architecture (win: managed Windows-only libraries) stay.
    $supported = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'module/bin/runtimes') -Directory).Name
    Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'module/bin/cluster/runtimes') -Directory -ErrorAction Ignore |
        Where-Object { $_.Name -match '-' -and $_.Name -notin $supported } |
        Remove-Item -Recurse -Force
    # Model UDFs: the worker with TorchSharp and the CPU libtorch in a folder of its own.
    Write-Host "==> Build ($Configuration): src/Geneva.Torch.Worker -> module/bin/torch"
    # For this platform only: TorchSharp-cpu brings libtorch for every platform (1.1 GB in all).
    Invoke-Native dotnet @(
        'publish', (Join-Path $PSScriptRoot 'src/Geneva.Torch.Worker'),
        '-c', $Configuration,
        '-r', [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier, '--self-contained', 'false',
        '-o', (Join-Path $PSScriptRoot 'module/bin/torch'),
        '--nologo', '-v', 'minimal'
    )
}

function Invoke-Help {
    Write-Host '==> Help: help/*.md -> module/en-US/Geneva.PowerShell.dll-Help.xml'
    $exitCode = Invoke-ChildPwsh -ScriptPath (Join-Path $PSScriptRoot 'tools/Build-Help.ps1')
    if ($exitCode -ne 0) {
        throw "tools/Build-Help.ps1 failed with exit code $exitCode."
    }
}

$TorchRuntimeDirectory = Join-Path $PSScriptRoot 'module/bin/torch/torch-runtime'

# Not part of Build: only model UDFs need it, and Install-GenevaTorchRuntime installs it when they do.
function Invoke-TorchRuntime {
    & (Join-Path $PSScriptRoot 'tools/Install-TorchRuntime.ps1') -Destination $TorchRuntimeDirectory
}

$ArtifactsDirectory = Join-Path $PSScriptRoot 'artifacts'
$PackageStagingDirectory = Join-Path $PSScriptRoot 'out/package'

# The one place the version is kept: module/Geneva.psd1 (Directory.Build.props reads it for the assemblies).
function Get-ModuleVersion {
    return (Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'module/Geneva.psd1')).ModuleVersion
}

# Runs a command in a fresh pwsh whose home (HOME, XDG folders, PSModulePath) is a throwaway folder, so
# registering a repository to publish to changes nothing of the user's PSResourceGet settings.
function Invoke-IsolatedPwsh {
    param(
        [Parameter(Mandatory)] [string] $Command,
        [Parameter(Mandatory)] [string] $HomeDirectory
    )
    $commandLine = Get-PwshCommandLine
    $info = [System.Diagnostics.ProcessStartInfo]::new($commandLine[0])
    foreach ($argument in @($commandLine | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) {
        $info.ArgumentList.Add($argument)
    }
    $info.UseShellExecute = $false
    $info.Environment['HOME'] = $HomeDirectory
    $folders = [ordered]@{
        XDG_DATA_HOME = '.local/share'; XDG_CONFIG_HOME = '.config'; XDG_CACHE_HOME = '.cache'
        LOCALAPPDATA = 'AppData/Local'; APPDATA = 'AppData/Roaming'
    }
    foreach ($name in $folders.Keys) {
        # They must exist: where LocalApplicationData does not, PSResourceGet keeps its repository store
        # in the current directory instead.
        $info.Environment[$name] = (New-Item -ItemType Directory -Force -Path (Join-Path $HomeDirectory $folders[$name])).FullName
    }
    $info.Environment['USERPROFILE'] = $HomeDirectory
    $info.Environment.Remove('PSModulePath') | Out-Null
    # A local dotnet tool finds its own SDK by DOTNET_ROOT or PATH; both are kept.
    $process = [System.Diagnostics.Process]::Start($info)
    $process.WaitForExit()
    return $process.ExitCode
}

# Geneva.<version>.nupkg (the module, no model worker) and Geneva.Torch.<version>.nupkg (the model worker and
# this platform's libtorch, as a module holding nothing but bin/) into artifacts/, a folder repository.
function Invoke-Package {
    $version = Get-ModuleVersion
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Write-Host "==> Package $version -> artifacts/Geneva.$version.nupkg, artifacts/Geneva.Torch.$version.nupkg ($rid)"
    if (Test-Path -LiteralPath $PackageStagingDirectory) { Remove-Item -LiteralPath $PackageStagingDirectory -Recurse -Force }
    $genevaStage = Join-Path $PackageStagingDirectory 'Geneva'
    $torchStage = Join-Path $PackageStagingDirectory 'Geneva.Torch'
    $null = New-Item -ItemType Directory -Force -Path $genevaStage, (Join-Path $torchStage 'bin'), $ArtifactsDirectory

    $module = Join-Path $PSScriptRoot 'module'
    foreach ($item in Get-ChildItem -LiteralPath $module | Where-Object Name -ne 'bin') {
        Copy-Item -LiteralPath $item.FullName -Destination $genevaStage -Recurse
    }
    $null = New-Item -ItemType Directory -Path (Join-Path $genevaStage 'bin')
    foreach ($item in Get-ChildItem -LiteralPath (Join-Path $module 'bin') | Where-Object Name -ne 'torch') {
        Copy-Item -LiteralPath $item.FullName -Destination (Join-Path $genevaStage 'bin') -Recurse
    }
    # The cluster host ships in the module: Start-GenevaCluster and -Cluster need it on every node.
    if (-not (Test-Path -LiteralPath (Join-Path $genevaStage 'bin/cluster/Geneva.Cluster.Host.dll'))) {
        throw 'module/bin/cluster/Geneva.Cluster.Host.dll is missing: run the Build task.'
    }
    # The worker without the machine's private runtime (torch-runtime links into this machine's dotnet).
    foreach ($item in Get-ChildItem -LiteralPath (Join-Path $module 'bin/torch') | Where-Object Name -ne 'torch-runtime') {
        Copy-Item -LiteralPath $item.FullName -Destination (Join-Path $torchStage 'bin') -Recurse
    }
    Set-Content -LiteralPath (Join-Path $torchStage 'Geneva.Torch.psd1') -Value @"
@{
    ModuleVersion        = '$version'
    GUID                 = '6d0f5f0e-3b7a-4c56-9a57-5b1f0c9b6e21'
    Author               = 'Geneva contributors'
    Description          = 'The model-UDF worker of the Geneva module (Geneva.Torch.Worker, TorchSharp and the CPU libtorch for $rid). Install it with Install-GenevaTorchRuntime.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{ RuntimeIdentifier = '$rid' }
}
"@

    foreach ($name in 'Geneva', 'Geneva.Torch') {
        Remove-Item -LiteralPath (Join-Path $ArtifactsDirectory "$name.$version.nupkg") -ErrorAction Ignore
    }
    $quote = { param($text) "'" + $text.Replace("'", "''") + "'" }
    $command = @(
        '$ErrorActionPreference = ''Stop'''
        "Register-PSResourceRepository -Name GenevaBuild -Uri $(& $quote $ArtifactsDirectory) -Trusted"
        "Publish-PSResource -Path $(& $quote $genevaStage) -Repository GenevaBuild"
        "Publish-PSResource -Path $(& $quote $torchStage) -Repository GenevaBuild"
    ) -join "`n"
    $exitCode = Invoke-IsolatedPwsh -Command $command -HomeDirectory (Join-Path $PackageStagingDirectory 'home')
    if ($exitCode -ne 0) { throw "Publish-PSResource failed (exit code $exitCode)." }
    foreach ($name in 'Geneva', 'Geneva.Torch') {
        $package = Get-Item -LiteralPath (Join-Path $ArtifactsDirectory "$name.$version.nupkg")
        Write-Host ("    {0} {1:N1} MB" -f $package.Name, ($package.Length / 1MB))
    }
}

$InteropDirectory = Join-Path $PSScriptRoot 'tests/interop'

# The LanceDB interop tests drive LanceDB itself (@lancedb/lancedb, pinned with its lock file in tests/interop).
# 'npm ci' runs only when node_modules does not match the lock file and node: a stamp of both is kept in
# node_modules/.geneva-lock-hash, so a second run costs nothing. Without node or npm the Test task fails.
function Install-InteropPackages {
    $help = 'The LanceDB interop tests (tests/interop) need node 20 or newer and npm: install them (on Debian 13, ' +
        "'apt-get install nodejs npm'; elsewhere node 20 from https://nodejs.org or NodeSource, which includes npm), " +
        'then run the command again.'
    $node = Get-Command node -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $npm = Get-Command npm -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($null -eq $node -or $null -eq $npm) {
        $missing = @(if ($null -eq $node) { 'node' }; if ($null -eq $npm) { 'npm' }) -join ' and '
        throw "$missing not found on PATH. $help"
    }
    $nodeVersion = "$(& $node.Source --version 2>$null)".Trim()
    $major = $nodeVersion -match '^v(\d+)\.' ? [int] $Matches[1] : 0
    if ($LASTEXITCODE -ne 0 -or $major -lt 20) {
        throw "node at $($node.Source) is '$nodeVersion'. $help"
    }

    $lockFile = Join-Path $InteropDirectory 'package-lock.json'
    $stampFile = Join-Path $InteropDirectory 'node_modules/.geneva-lock-hash'
    $lockHash = (Get-FileHash -LiteralPath $lockFile -Algorithm SHA256).Hash
    $stamp = "$lockHash node $nodeVersion $([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)"
    if ((Test-Path -LiteralPath $stampFile) -and (Get-Content -LiteralPath $stampFile -Raw).Trim() -eq $stamp) {
        Write-Host "==> Test: LanceDB for the interop tests is installed (tests/interop, node $nodeVersion)"
        return
    }
    Write-Host "==> Test: npm ci in tests/interop (LanceDB for the interop tests, node $nodeVersion)"
    Push-Location $InteropDirectory
    try {
        Invoke-Native $npm.Source @('ci', '--no-audit', '--no-fund')
    }
    finally {
        Pop-Location
    }
    Set-Content -LiteralPath $stampFile -Value $stamp
}

function Invoke-Sample {
    Write-Host '==> Sample: samples/sample.ps1'
    $exitCode = Invoke-ChildPwsh -ScriptPath (Join-Path $PSScriptRoot 'samples/sample.ps1')
    if ($exitCode -ne 0) {
        throw "samples/sample.ps1 failed with exit code $exitCode."
    }
}

# The xunit test projects, each with its own results file in out/test.
$XunitProjects = [ordered]@{
    'tests/Geneva.Core.Tests'    = 'core.trx'
    'tests/Geneva.Cluster.Tests' = 'cluster.trx'
}

# Runs one xunit test project; returns counts, or $null when no results came back.
function Invoke-XunitProject {
    param(
        [Parameter(Mandatory)] [string] $Project,
        [Parameter(Mandatory)] [string] $ResultFile
    )
    Write-Host "==> Test: xunit ($Project)"
    $trxPath = Join-Path $TestResultDirectory $ResultFile
    Remove-Item -LiteralPath $trxPath -ErrorAction Ignore

    # Model-UDF tests start Geneva.Torch.Worker on the private runtime where it is needed.
    $env:GENEVA_TORCH_RUNTIME = $TorchRuntimeDirectory
    & dotnet test (Join-Path $PSScriptRoot $Project) `
        -c $Configuration `
        --logger "trx;LogFileName=$ResultFile" `
        --results-directory $TestResultDirectory `
        --nologo -v minimal | Out-Host
    $exitCode = $LASTEXITCODE

    if (-not (Test-Path -LiteralPath $trxPath)) {
        Write-Host "xunit: no results at $trxPath (dotnet test exit code $exitCode)" -ForegroundColor Red
        return $null
    }

    [xml] $trx = Get-Content -LiteralPath $trxPath -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    if ($null -eq $counters) {
        Write-Host "xunit: $trxPath has no counters" -ForegroundColor Red
        return $null
    }
    $failed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
    $counts = [pscustomobject]@{
        Runner   = 'xunit'
        Total    = [int] $counters.total
        Passed   = [int] $counters.passed
        Failed   = $failed
        # The trx notExecuted counter stays 0 for skipped xunit tests; they are total minus executed.
        Skipped  = [int] $counters.total - [int] $counters.executed
        # A non-zero exit with no failed test means the run itself broke (for example, a crash).
        Broken   = ($exitCode -ne 0 -and $failed -eq 0)
        ExitCode = $exitCode
    }
    return $counts
}

# Runs every xunit test project; returns their counts summed, or $null when one brought no results back.
function Invoke-XunitTests {
    $runs = [System.Collections.Generic.List[object]]::new()
    foreach ($project in $XunitProjects.Keys) {
        $run = Invoke-XunitProject -Project $project -ResultFile $XunitProjects[$project]
        if ($null -eq $run) { return $null }
        $runs.Add($run)
    }
    return [pscustomobject]@{
        Runner   = 'xunit'
        Total    = ($runs | Measure-Object Total -Sum).Sum
        Passed   = ($runs | Measure-Object Passed -Sum).Sum
        Failed   = ($runs | Measure-Object Failed -Sum).Sum
        Skipped  = ($runs | Measure-Object Skipped -Sum).Sum
        Broken   = @($runs | Where-Object Broken).Count -gt 0
        ExitCode = ($runs | Where-Object ExitCode -ne 0 | Select-Object -First 1).ExitCode ?? 0
    }
}

# Restores Pester from NuGet (the PowerShell Gallery is not reachable from our build machines).
function Get-PesterModulePath {
    Invoke-Native dotnet @('restore', (Join-Path $PSScriptRoot 'tools/tools.csproj'), '--nologo', '-v', 'minimal')

    $locals = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) {
        throw "'dotnet nuget locals global-packages --list' failed with exit code $LASTEXITCODE."
    }
    $match = [regex]::Match(($locals -join "`n"), '(?m)^global-packages:\s*(.+?)\s*$')
    if (-not $match.Success) {
        throw "Could not read the NuGet global packages folder from: $locals"
    }
    $pesterPath = Join-Path $match.Groups[1].Value "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $pesterPath)) {
        throw "Pester $PesterVersion was restored but $pesterPath does not exist."
    }
    return $pesterPath
}

# Runs the Pester tests in a fresh pwsh; returns counts, or $null when no results came back.
function Invoke-PesterTests {
    Write-Host '==> Test: Pester (tests/Geneva.PowerShell.Tests)'
    $pesterPath = Get-PesterModulePath
    # UDF classes compiled as a user would compile theirs; the Pester tests load them from here.
    Invoke-Native dotnet @('build', (Join-Path $PSScriptRoot 'tests/Geneva.TestUdfs'), '-c', $Configuration,
        '-o', (Join-Path $PSScriptRoot 'out/testudfs'), '--nologo', '-v', 'minimal')
    # TorchSharp modules for model-UDF tests (in its own bin: it carries this platform's libtorch).
    Invoke-Native dotnet @('build', (Join-Path $PSScriptRoot 'tests/Geneva.TestModels'), '-c', $Configuration, '--nologo', '-v', 'minimal')
    $summaryPath = Join-Path $TestResultDirectory 'pester-summary.json'
    Remove-Item -LiteralPath $summaryPath -ErrorAction Ignore

    $exitCode = Invoke-ChildPwsh -ScriptPath (Join-Path $PSScriptRoot 'tools/Invoke-PesterChild.ps1') -ArgumentList @(
        '-PesterPath', $pesterPath,
        '-TestPath', (Join-Path $PSScriptRoot 'tests/Geneva.PowerShell.Tests'),
        '-ResultDirectory', $TestResultDirectory
    )
    if ($exitCode -ne 0 -or -not (Test-Path -LiteralPath $summaryPath)) {
        Write-Host "Pester: did not complete (exit code $exitCode)" -ForegroundColor Red
        return $null
    }

    $summary = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
    # A failed BeforeAll or a test file that does not parse fails a block or a container, which
    # Pester does not count as a failed test; count them so the total line cannot hide them.
    $failed = [int] $summary.FailedCount + [int] $summary.FailedBlocksCount + [int] $summary.FailedContainersCount
    return [pscustomobject]@{
        Runner   = 'Pester'
        Total    = [int] $summary.TotalCount
        Passed   = [int] $summary.PassedCount
        Failed   = $failed
        Skipped  = [int] $summary.SkippedCount + [int] $summary.NotRunCount
        Broken   = ($summary.Result -ne 'Passed' -and $failed -eq 0)
        ExitCode = $exitCode
    }
}

function Invoke-Test {
    New-Item -ItemType Directory -Path $TestResultDirectory -Force | Out-Null
    $runs = [ordered]@{
        xunit  = Invoke-XunitTests
        Pester = Invoke-PesterTests
    }

    Write-Host ''
    $passed = 0
    $failed = 0
    $skipped = 0
    $ok = $true
    foreach ($runner in $runs.Keys) {
        $run = $runs[$runner]
        if ($null -eq $run) {
            Write-Host "${runner}: did not run" -ForegroundColor Red
            $ok = $false
            continue
        }
        Write-Host "${runner}: $($run.Passed) passed, $($run.Failed) failed, $($run.Skipped) skipped"
        if ($run.Total -eq 0) {
            Write-Host "${runner}: no tests were found" -ForegroundColor Red
            $ok = $false
        }
        if ($run.Broken) {
            Write-Host "${runner}: the runner reported a failure outside any test (exit code $($run.ExitCode))" -ForegroundColor Red
            $ok = $false
        }
        $passed += $run.Passed
        $failed += $run.Failed
        $skipped += $run.Skipped
    }

    Write-Host "Skipped: $skipped"
    Write-Host "Total: $passed passed, $failed failed"
    return ($ok -and $failed -eq 0)
}

$exitCode = 0
Push-Location $PSScriptRoot
try {
    # Before building, so that a machine without node fails at once.
    if ($Task -eq 'Test') { Install-InteropPackages }
    Invoke-Build
    switch ($Task) {
        'Package' { Invoke-Package }
        'Sample' { Invoke-Sample }
        'Help' { Invoke-Help }
        'TorchRuntime' { Invoke-TorchRuntime }
        'Test' {
            # Tests of model UDFs need it: installing it is part of the test command, not optional.
            Invoke-TorchRuntime
            # tests/Geneva.PowerShell.Tests/Package.Tests.ps1 installs these; without them it fails.
            Invoke-Package
            if (-not (Invoke-Test)) { $exitCode = 1 }
        }
    }
}
finally {
    Pop-Location
}
exit $exitCode
