# The packages build.ps1 -Task Package writes (artifacts/), installed as a user installs them: in a child
# pwsh whose home (HOME, XDG folders, PSModulePath) is a temporary folder, from a folder repository, run
# from a folder outside the source tree. Nothing here touches the real user's modules or repositories.
BeforeAll {
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:version = (Import-PowerShellDataFile (Join-Path $repoRoot 'module/Geneva.psd1')).ModuleVersion
    $script:packages = @("Geneva.$version.nupkg", "Geneva.Torch.$version.nupkg") |
        ForEach-Object { Join-Path $repoRoot "artifacts/$_" }

    # Under the system temp folder, far from the source tree. Not $TestDrive: Pester empties what a Context
    # adds to it when the Context ends, and the second Context uses the first one's installed module.
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "geneva-package-$([guid]::NewGuid().ToString('n'))"
    $script:tempHome = Join-Path $root 'home'
    $script:repository = Join-Path $root 'repository'
    $script:work = Join-Path $root 'work'
    $null = New-Item -ItemType Directory -Force -Path $tempHome, $repository, $work, (Join-Path $root 'empty-repository')
    foreach ($package in $packages) {
        if (Test-Path -LiteralPath $package) { Copy-Item -LiteralPath $package -Destination $repository }
    }
    # A .NET UDF assembly and a PyTorch model, as a user has them: files in the working folder.
    Copy-Item -LiteralPath (Join-Path $repoRoot 'out/testudfs/Geneva.TestUdfs.dll') -Destination $work
    Copy-Item -LiteralPath (Join-Path $repoRoot 'tests/models/halve.pt') -Destination $work
    $script:expectedHalve = (Get-Content -Raw (Join-Path $repoRoot 'tests/models/expected.json') | ConvertFrom-Json).outputs.'halve.pt'

    # Runs a script in a child pwsh in the temporary home, working folder $work; returns what it saved
    # with Save-Result (a JSON file), and fails with the child's output when it exits non-zero.
    function Invoke-InTempHome {
        param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
        $resultPath = Join-Path $root "result-$(Get-Random).json"
        $file = Join-Path $root "step-$(Get-Random).ps1"
        Set-Content -LiteralPath $file -Value @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
function Save-Result([Parameter(ValueFromPipeline)] `$Result) { `$Result | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath '$resultPath' }
$Script
"@
        $exe = (Get-Process -Id $PID).Path
        $prefix = [IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet' ? @(Join-Path $PSHOME 'pwsh.dll') : @()
        $info = [Diagnostics.ProcessStartInfo]::new($exe)
        foreach ($a in $prefix + @('-NoProfile', '-NonInteractive', '-File', $file)) { $info.ArgumentList.Add($a) }
        $info.WorkingDirectory = $work
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['HOME'] = $tempHome
        $info.Environment['USERPROFILE'] = $tempHome
        $folders = [ordered]@{
            XDG_DATA_HOME = '.local/share'; XDG_CONFIG_HOME = '.config'; XDG_CACHE_HOME = '.cache'
            LOCALAPPDATA = 'AppData/Local'; APPDATA = 'AppData/Roaming'
        }
        foreach ($name in $folders.Keys) {
            # They must exist: where LocalApplicationData does not, PSResourceGet keeps its repository
            # store in the current directory instead.
            $info.Environment[$name] = (New-Item -ItemType Directory -Force -Path (Join-Path $tempHome $folders[$name])).FullName
        }
        # pwsh rebuilds it from the (temporary) home: the installed modules are found there and nowhere else.
        $null = $info.Environment.Remove('PSModulePath')
        $null = $info.Environment.Remove('GENEVA_TORCH_RUNTIME')
        foreach ($name in $Environment.Keys) { $info.Environment[$name] = $Environment[$name] }
        $process = [Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(900000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish in 15 minutes.`n$($stdout.Result)`n$($stderr.Result)"
        }
        if ($process.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $resultPath)) {
            throw "The child pwsh failed (exit code $($process.ExitCode)).`n$($stdout.Result)`n$($stderr.Result)"
        }
        Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction Ignore
}

Describe 'The Geneva package' {
    It 'is built: artifacts/Geneva.<version>.nupkg and artifacts/Geneva.Torch.<version>.nupkg (build.ps1 -Task Package)' {
        foreach ($package in $packages) {
            Test-Path -LiteralPath $package | Should -BeTrue -Because "build.ps1 -Task Package writes $package"
        }
    }

    Context 'installed with Install-PSResource into a clean home' {
        BeforeAll {
            $script:installed = Invoke-InTempHome @"
Register-PSResourceRepository -Name local -Uri '$repository' -Trusted
Install-PSResource Geneva -Repository local
Set-Location '$work'
Import-Module Geneva
`$module = Get-Module Geneva
`$r = [ordered]@{
    ModuleBase = `$module.ModuleBase
    Version    = "`$(`$module.Version)"
    Runtimes   = @(Get-ChildItem (Join-Path `$module.ModuleBase 'bin/runtimes') -Directory | ForEach-Object Name | Sort-Object)
    HasTorch   = Test-Path (Join-Path `$module.ModuleBase 'bin/torch')
    HasCluster = Test-Path (Join-Path `$module.ModuleBase 'bin/cluster/Geneva.Cluster.Host.dll')
    TorchModule = @(Get-Module Geneva.Torch -ListAvailable).Count
    RepositoryStore = Test-Path (Join-Path '$tempHome' '.local/share/PSResourceGet/PSResourceRepository.xml')
}
1..200 | ForEach-Object { [pscustomobject]@{ id = `$_; text = ('word ' * (`$_ % 5 + 1)) + `$_ } } |
    New-GenevaTable -Path ./docs.lance -MaxRowsPerFragment 100 | Out-Null
Add-GenevaColumn -Table ./docs.lance -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
Add-GenevaColumn -Table ./docs.lance -Name shout -Udf (New-GenevaUdf -Name shout -OutputType utf8 -ScriptBlock { param(`$text) `$text.ToUpper() })
Add-GenevaColumn -Table ./docs.lance -Name words -Udf (New-GenevaUdf -AssemblyPath ./Geneva.TestUdfs.dll -TypeName WordCount -InputColumn text -OutputType int32)
`$r.Status = @('tlen', 'shout', 'words' | ForEach-Object { "`$((Start-GenevaBackfill -Table ./docs.lance -Column `$_).Status)" })
# A one-node cluster from the installed copy (bin/cluster), running a backfill.
`$cluster = Start-GenevaCluster -Workers 1
Add-GenevaColumn -Table ./docs.lance -Name tlen2 -Udf (New-GenevaUdf -Name tlen2 -Expression 'length(text)' -OutputType int32)
`$r.ClusterStatus = "`$((Start-GenevaBackfill -Table ./docs.lance -Column tlen2 -Cluster `$cluster).Status)"
Stop-GenevaCluster `$cluster
`$rows = @(Read-GenevaTable ./docs.lance)
`$r.Rows = `$rows.Count
`$r.Wrong = @(`$rows | Where-Object { `$_.tlen -ne `$_.text.Length -or `$_.tlen2 -ne `$_.text.Length -or `$_.shout -cne `$_.text.ToUpper() -or
    `$_.words -ne `$_.text.Split(' ', [StringSplitOptions]::RemoveEmptyEntries).Length }).Count

# A model UDF before Install-GenevaTorchRuntime: the error says what to run.
0..39 | ForEach-Object { [pscustomobject]@{ id = [long] `$_ } } | New-GenevaTable -Path ./ids.lance | Out-Null
Add-GenevaColumn -Table ./ids.lance -Name half -Udf (New-GenevaUdf -Model ./halve.pt -InputColumn id -OutputType float32)
try { Start-GenevaBackfill -Table ./ids.lance -Column half -ErrorAction Stop | Out-Null; `$r.ModelError = 'none' }
catch { `$r.ModelError = `$_.FullyQualifiedErrorId; `$r.ModelMessage = "`$_" }
`$r | Save-Result
"@
        }

        It 'imports by name from the temporary home, not from the source tree' {
            $installed.ModuleBase | Should -BeLike "$tempHome*"
            $installed.ModuleBase | Should -Not -BeLike "$repoRoot*"
            $installed.Version | Should -Be $version
            $installed.RepositoryStore | Should -BeTrue -Because 'the repository is registered in the temporary home'
        }

        It 'ships native SQLite for the six supported platforms and no model worker' {
            $installed.Runtimes | Should -Be @('linux-arm64', 'linux-x64', 'osx-arm64', 'osx-x64', 'win-arm64', 'win-x64')
            $installed.HasTorch | Should -BeFalse
            $installed.HasCluster | Should -BeTrue -Because 'the cluster host ships in the Geneva package'
            $installed.TorchModule | Should -Be 0
        }

        It 'runs expression, scriptblock and .NET UDF backfills from the installed copy' {
            $installed.Status | Should -Be @('Done', 'Done', 'Done')
            $installed.ClusterStatus | Should -Be 'Done' -Because 'a -Cluster backfill runs on a cluster of the installed copy'
            $installed.Rows | Should -Be 200
            $installed.Wrong | Should -Be 0
        }

        It 'fails a model backfill, naming Install-GenevaTorchRuntime, until the model worker is installed' {
            $installed.ModelError | Should -Be 'TorchRuntimeMissing,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
            $installed.ModelMessage | Should -BeLike '*Install-GenevaTorchRuntime*'
        }
    }

    Context 'Install-GenevaTorchRuntime from the Geneva.Torch package' {
        BeforeAll {
            # Where this system's libstdc++ is too old for libtorch, the private runtime comes from Debian's
            # archive; the test reuses the one build.ps1 -Task Test installs (the variable the module honours)
            # so that it runs offline. A newer system needs none and ignores it.
            $runtime = Join-Path $repoRoot 'module/bin/torch/torch-runtime'
            $script:torch = Invoke-InTempHome -Environment @{ GENEVA_TORCH_RUNTIME = $runtime } -Script @"
Set-Location '$work'
Import-Module Geneva
`$r = [ordered]@{}
Register-PSResourceRepository -Name empty -Uri '$(Join-Path $root 'empty-repository')' -Trusted
try { Install-GenevaTorchRuntime -Repository empty -ErrorAction Stop; `$r.EmptyError = 'none' }
catch { `$r.EmptyError = `$_.FullyQualifiedErrorId; `$r.EmptyMessage = "`$_" }

Install-GenevaTorchRuntime -Repository local -WhatIf
`$r.AfterWhatIf = @(Get-InstalledPSResource Geneva.Torch -ErrorAction Ignore).Count

`$first = Install-GenevaTorchRuntime -Repository local -PassThru
`$r.WorkerPath = `$first.WorkerPath
`$r.Installed = @(Get-InstalledPSResource Geneva.Torch | ForEach-Object { "`$(`$_.Version)" })
`$r.SecondVerbose = @(Install-GenevaTorchRuntime -Repository local -Verbose 4>&1 | ForEach-Object Message)
`$r.InstalledAfterSecond = @(Get-InstalledPSResource Geneva.Torch).Count
`$r.PrivateRuntime = `$first.PrivateRuntime

# Offline (apt-get's proxy refuses every connection), into a runtime folder not installed yet.
`$saved = `$env:GENEVA_TORCH_RUNTIME
`$env:GENEVA_TORCH_RUNTIME = Join-Path '$root' 'offline-runtime'
`$env:http_proxy = 'http://127.0.0.1:9'
try { `$r.Offline = (Install-GenevaTorchRuntime -Repository local -PassThru -ErrorAction Stop).RuntimePath }
catch { `$r.OfflineError = `$_.FullyQualifiedErrorId; `$r.OfflineMessage = "`$_" }
`$env:GENEVA_TORCH_RUNTIME = `$saved
Remove-Item Env:http_proxy

Add-GenevaColumn -Table ./ids.lance -Name half2 -Udf (New-GenevaUdf -Model ./halve.pt -InputColumn id -OutputType float32 -BatchSize 8)
`$r.Status = "`$((Start-GenevaBackfill -Table ./ids.lance -Column half2).Status)"
`$r.Half = @(Read-GenevaTable ./ids.lance -Column id, half2 | Sort-Object id | ForEach-Object half2)

# A Geneva.Torch built for another platform, first on PSModulePath.
`$other = New-Item -ItemType Directory -Force -Path (Join-Path '$root' 'other-modules/Geneva.Torch/$version/bin')
Set-Content -LiteralPath (Join-Path `$other 'Geneva.Torch.Worker.dll') -Value ''
Set-Content -LiteralPath (Join-Path `$other.Parent 'Geneva.Torch.psd1') -Value "@{ ModuleVersion = '$version'; PrivateData = @{ RuntimeIdentifier = 'other-arm64' } }"
`$env:PSModulePath = (Join-Path '$root' 'other-modules') + [IO.Path]::PathSeparator + `$env:PSModulePath
try { Install-GenevaTorchRuntime -ErrorAction Stop; `$r.OtherPlatformError = 'none' }
catch { `$r.OtherPlatformError = `$_.FullyQualifiedErrorId; `$r.OtherPlatformMessage = "`$_" }
`$r | Save-Result
"@
        }

        It 'fails with TorchPackagePlatformMismatch when the Geneva.Torch found is for another platform' {
            $torch.OtherPlatformError | Should -Be 'TorchPackagePlatformMismatch,Geneva.PowerShell.Cmdlets.InstallGenevaTorchRuntimeCommand'
            $torch.OtherPlatformMessage | Should -BeLike "*other-arm64*$([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)*"
        }

        It 'fails with TorchPackageNotFound, naming the package to register, when no repository has it' {
            $torch.EmptyError | Should -Be 'TorchPackageNotFound,Geneva.PowerShell.Cmdlets.InstallGenevaTorchRuntimeCommand'
            $torch.EmptyMessage | Should -BeLike "*Geneva.Torch.$version.nupkg*Register-PSResourceRepository*"
        }

        It 'installs nothing with -WhatIf' {
            $torch.AfterWhatIf | Should -Be 0
        }

        It 'installs Geneva.Torch of the module''s version into the temporary home, once' {
            $torch.Installed | Should -Be @($version)
            $torch.WorkerPath | Should -BeLike "$tempHome*Geneva.Torch*Geneva.Torch.Worker.dll"
            $torch.InstalledAfterSecond | Should -Be 1
            $torch.SecondVerbose | Should -Contain "The model worker is installed: $($torch.WorkerPath)"
        }

        It 'fails with TorchRuntimeInstallFailed, saying what to do offline, where the private runtime cannot be downloaded' {
            if ($torch.PrivateRuntime) {
                $torch.OfflineError | Should -Be 'TorchRuntimeInstallFailed,Geneva.PowerShell.Cmdlets.InstallGenevaTorchRuntimeCommand'
                $torch.OfflineMessage | Should -BeLike '*could not download*offline*GENEVA_TORCH_RUNTIME*'
            }
            else {
                # This system's libstdc++ serves libtorch: there is nothing to download, offline or not.
                $torch.OfflineError | Should -BeNullOrEmpty
                $torch.Offline | Should -BeNullOrEmpty
            }
        }

        It 'runs Install-GenevaTorchRuntime''s help examples as written' {
            # Their repository 'local' is ./artifacts beside the work folder; this home has 'local' already.
            $artifacts = New-Item -ItemType Directory -Force -Path (Join-Path $work 'artifacts')
            Copy-Item -Path (Join-Path $repository '*.nupkg') -Destination $artifacts
            Import-Module (Join-Path $repoRoot 'module/Geneva.psd1') -Force
            $code = (Get-Help Install-GenevaTorchRuntime -Examples).Examples.Example | ForEach-Object { $_.Code }
            $code.Count | Should -BeGreaterOrEqual 2
            $runtime = Join-Path $repoRoot 'module/bin/torch/torch-runtime'
            $ran = Invoke-InTempHome -Environment @{ GENEVA_TORCH_RUNTIME = $runtime } -Script @"
Set-Location '$work'
Unregister-PSResourceRepository -Name local
# What example 3 reads: a table of token-id lists and a TorchScript encoder.
Import-Module Geneva
0..39 | ForEach-Object { [pscustomobject]@{ id = [long] `$_; tokens = [long[]] @(0..(`$_ % 5) | ForEach-Object { `$_ + 1 }) } } |
    New-GenevaTable -Path ./db/items.lance | Out-Null
Copy-Item -LiteralPath '$(Join-Path $repoRoot 'tests/models/mean_embedding.pt')' -Destination ./encoder.pt
$(($code | ForEach-Object { "& { $_ } | Out-String | Out-Null" }) -join "`n")
@{ Emb = @(Read-GenevaTable ./db/items.lance | Where-Object { `$null -eq `$_.emb }).Count; Rows = @(Read-GenevaTable ./db/items.lance).Count } | Save-Result
"@
            $ran.Rows | Should -Be 40
            $ran.Emb | Should -Be 0 -Because 'example 3 fills emb on every row'
        }

        It 'runs a model UDF backfill from the installed copies' {
            $torch.Status | Should -Be 'Done'
            $torch.Half.Count | Should -Be 40
            for ($i = 0; $i -lt 40; $i++) {
                [math]::Abs($torch.Half[$i] - $expectedHalve[$i]) | Should -BeLessThan 1e-5
            }
        }
    }
}
