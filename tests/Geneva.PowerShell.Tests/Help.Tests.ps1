# Checks the built module's help (module/en-US, from help/*.md) and default format views.
BeforeAll {
    $script:module = Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -Force -PassThru

    # Renders like the console does, wide enough that no column is cut.
    function Format-Text([Parameter(ValueFromPipeline)] $InputObject) {
        begin { $items = [System.Collections.Generic.List[object]]::new() }
        process { $items.Add($InputObject) }
        end { $items | Out-String -Width 250 }
    }

    $script:table = Join-Path $TestDrive 'docs'
    1..30 | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" } } |
        New-GenevaTable -Path $table -MaxRowsPerFragment 10 | Out-Null
    $script:udf = New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32
    Add-GenevaColumn -Table $table -Name tlen -Udf $udf
    $failing = New-GenevaUdf -Name seven -OutputType utf8 -OnError Skip -ScriptBlock {
        param($text) if ($text -like '*7') { throw [System.IO.IOException]::new("no sevens: $text") }; $text
    }
    Add-GenevaColumn -Table $table -Name seven -Udf $failing
    $script:plan = Get-GenevaBackfillPlan -Table $table -Column tlen -CheckpointSize 4 -MinCheckpointSize 2
    $script:result = $plan | Start-GenevaBackfill
    Start-GenevaBackfill -Table $table -Column seven | Out-Null

    # What the cmdlet examples need, made once and copied into each example's scratch folder.
    $script:fixtures = Join-Path $TestDrive 'fixtures'
    $repo = Join-Path $PSScriptRoot '../..'
    1..2500 | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_ of the docs table" } } |
        New-GenevaTable -Path $fixtures/plain/docs.lance -MaxRowsPerFragment 1000 | Out-Null
    Copy-Item -Recurse $fixtures/plain $fixtures/tlen
    Add-GenevaColumn -Table $fixtures/tlen/docs.lance -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
    # The .NET UDF sample, built as its README says (samples/SampleUdfs).
    & dotnet build (Join-Path $repo 'samples/SampleUdfs') -c Release -o $fixtures/sample --nologo -v quiet | Out-Null
    $LASTEXITCODE | Should -Be 0 -Because 'samples/SampleUdfs builds against module/bin'

    # Runs an example's code as a user would paste it: errors stop it.
    function Invoke-Example([string] $Code) {
        $ErrorActionPreference = 'Stop'
        & ([scriptblock]::Create($Code)) | Out-String -Width 250
    }

    # Copies ./db/docs.lance (id, text; 2,500 rows in fragments of 1,000) as a fixture left it:
    # plain; tlen (bound to length(text)); tlen-done (backfilled); price (tlen-done, plus price backfilled with
    # 25 skipped rows); failed (tlen, plus score, whose first backfill failed).
    function Copy-ExampleDocs([string] $Fixture = 'tlen', [string] $Name = 'docs') {
        New-Item -ItemType Directory -Path ./db -Force | Out-Null
        Copy-Item -Recurse (Join-Path $fixtures "$Fixture/docs.lance") "./db/$Name.lance"
    }

    # price: a scriptblock UDF that fails on the rows whose id ends in 77 (25 rows); they are skipped and recorded.
    function Add-ExamplePrice([string] $Table) {
        $price = New-GenevaUdf -Name price -OutputType float64 -OnError Skip -ScriptBlock {
            param($text)
            if ($text -match '77 of') { throw [FormatException]::new("no price in '$text'") }
            [double] $text.Length
        }
        Add-GenevaColumn -Table $Table -Name price -Udf $price
    }

    $fixtureDocs = { param($name) Join-Path $fixtures "$name/docs.lance" }
    Copy-Item -Recurse $fixtures/tlen $fixtures/tlen-done
    Start-GenevaBackfill -Table (& $fixtureDocs tlen-done) -Column tlen | Out-Null
    Copy-Item -Recurse $fixtures/tlen-done $fixtures/price
    Add-ExamplePrice -Table (& $fixtureDocs price)
    Start-GenevaBackfill -Table (& $fixtureDocs price) -Column price | Out-Null
    # score fails while the file 'broken' exists, which it does during its first backfill only.
    Copy-Item -Recurse $fixtures/tlen $fixtures/failed
    $flag = Join-Path $fixtures 'broken'
    New-Item -ItemType File -Path $flag | Out-Null
    $score = New-GenevaUdf -Name score -OutputType int32 -Batch -ScriptBlock ([scriptblock]::Create(
            "param(`$text) if (Test-Path -LiteralPath '$flag') { throw 'not ready' }; foreach (`$t in `$text) { `$t.Length }"))
    Add-GenevaColumn -Table (& $fixtureDocs failed) -Name score -Udf $score
    { Start-GenevaBackfill -Table (& $fixtureDocs failed) -Column score -Concurrency 1 -ErrorAction Stop } | Should -Throw
    Remove-Item -LiteralPath $flag

    # A table of token-id lists and 4-value feature vectors, the inputs of the model examples.
    function Copy-ExampleItems {
        New-Item -ItemType Directory -Path ./db -Force | Out-Null
        $rows = foreach ($i in 0..39) {
            [pscustomobject]@{ id = [long] $i; tokens = [long[]] @(foreach ($k in 0..($i % 5)) { ($i + $k) % 15 + 1 }); features = [float[]] @((0.1 * $i), 1, -1, 0.5) }
        }
        $rows | New-GenevaTable -Path ./db/items.lance -Schema @{ features = 'fixed_size_list<float32>[4]' } | Out-Null
    }

    # TorchSharp module class (tests/Geneva.TestModels, built by the Test task) and weights it made, saved as safetensors.
    function Copy-ExampleTorchModule {
        if (-not (Test-Path $fixtures/mymodels)) {
            $dll = Get-ChildItem (Join-Path $repo 'tests/Geneva.TestModels/bin') -Recurse -Filter 'Geneva.TestModels.dll' -ErrorAction Ignore |
                Sort-Object LastWriteTime -Descending | Select-Object -First 1 -ExpandProperty FullName
            $dll | Should -Not -BeNullOrEmpty -Because 'tests/Geneva.TestModels must be built (dotnet build tests/Geneva.TestModels -c Release)'
            $runtime = $env:GENEVA_TORCH_RUNTIME ?? (Join-Path $repo 'module/bin/torch/torch-runtime')
            # The module may have loaded it already, from its ReadyToRun folder: a second copy cannot load.
            if (-not ('Geneva.Torch.Launch.TorchWorkerLauncher' -as [type])) {
                Add-Type -Path (Join-Path $repo 'module/bin/Geneva.Torch.Launch.dll')
            }
            $info = [Geneva.Torch.Launch.TorchWorkerLauncher]::HostStartInfo($runtime)
            $info.ArgumentList.Add($dll)
            $info.ArgumentList.Add("$fixtures/weights")
            $info.RedirectStandardOutput = $true
            $process = [Diagnostics.Process]::Start($info)
            $null = $process.StandardOutput.ReadToEnd()
            $process.WaitForExit()
            $process.ExitCode | Should -Be 0
            New-Item -ItemType Directory -Path $fixtures/mymodels | Out-Null
            Copy-Item $dll $fixtures/mymodels/MyModels.dll
            Copy-Item $fixtures/weights/tinymlp.safetensors $fixtures/mymodels/mlp.safetensors
        }
        Copy-Item $fixtures/mymodels/* .
    }

    # Per cmdlet: what its examples expect in the current folder. A cmdlet not listed gets ./db/docs.lance with tlen
    # bound (not computed). A new cmdlet whose examples need more adds its entry here.
    $script:DefaultExampleSetup = { Copy-ExampleDocs }
    $script:ExampleSetup = @{
        'Add-GenevaColumn'        = { Copy-ExampleDocs plain }
        'Add-GenevaRow'           = {
            Copy-ExampleDocs tlen-done
            Copy-ExampleDocs tlen-done -Name docs-archive
            3001..3100 | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_ from a file" } } | Export-Csv ./more-docs.csv
        }
        'Get-GenevaBackfillError' = { Copy-ExampleDocs price }
        'Get-GenevaJob'           = { Copy-ExampleDocs failed }
        'Get-GenevaTableVersion'  = { Copy-ExampleDocs tlen-done }
        'New-GenevaTable'         = {
            1..100 | ForEach-Object { [pscustomobject]@{ id = $_; stars = $_ % 5 + 1; text = "review $_" } } | Export-Csv ./reviews.csv
        }
        'New-GenevaUdf'           = {
            Copy-ExampleDocs plain
            Copy-ExampleItems
            Copy-Item $fixtures/sample/SampleUdfs.dll .
            Copy-Item (Join-Path $repo 'tests/models/mean_embedding.pt') ./encoder.pt
            Copy-ExampleTorchModule
        }
        'Read-GenevaTable'        = { Copy-ExampleDocs price }
        'Remove-GenevaColumn'     = { Copy-ExampleDocs tlen }
        'Resume-GenevaBackfill'   = { Copy-ExampleDocs failed }
        'Start-GenevaBackfill'    = { Copy-ExampleDocs; Add-ExamplePrice -Table ./db/docs.lance }
        'Test-GenevaBackfill'     = { Copy-ExampleDocs price }
    }
}

Describe 'Cmdlet help' {
    BeforeDiscovery {
        $module = Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -PassThru -Force
        $script:cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
        # Examples that install modules run in Package.Tests.ps1, in a temporary home, never in the tester's own.
        $script:examplesRunElsewhere = @{ 'Install-GenevaTorchRuntime' = 'Package.Tests.ps1' }
        # One test case per example of every exported cmdlet, as Get-Help shows it.
        $script:examples = @(foreach ($cmdlet in $cmdlets | Where-Object { -not $examplesRunElsewhere.ContainsKey($_.Name) }) {
                $i = 0
                foreach ($example in @((Get-Help -Name $cmdlet.Name -Full).Examples.Example)) {
                    $i++
                    @{ Name = $cmdlet.Name; Index = $i; Title = ($example.Title -replace '^-+\s*|\s*-+$', ''); Code = $example.Code }
                }
            })
    }

    It '<Name> has a synopsis, a description and examples' -ForEach $cmdlets {
        $help = Get-Help -Name $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis up from the syntax.
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        $help.Description.Text | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Examples.Example[0].Code | Should -Match $Name
    }

    It '<Name> documents every parameter' -ForEach $cmdlets {
        $help = Get-Help -Name $Name -Full
        $documented = @($help.Parameters.Parameter | Where-Object { $_.Description.Text })
        $expected = @((Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters })
        @($documented.Name | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It '<Name> examples run in <File>' -ForEach @($examplesRunElsewhere.GetEnumerator() | ForEach-Object { @{ Name = $_.Key; File = $_.Value } }) {
        Get-Content -Raw (Join-Path $PSScriptRoot $File) | Should -Match "Get-Help $Name -Examples"
    }

    It 'shows examples with Get-Help -Examples' {
        Get-Help Start-GenevaBackfill -Examples | Out-String | Should -Match 'Example 1: Backfill a column'
    }

    # Each example runs as written, in a scratch folder of its own that its cmdlet's setup (ExampleSetup,
    # in BeforeAll) prepared, with $ErrorActionPreference = 'Stop': an error record fails it. Background
    # jobs an example leaves are waited for and must not have failed.
    It '<Name> example <Index> runs: <Title>' -ForEach $examples {
        $folder = Join-Path $TestDrive "examples/$Name-$Index"
        New-Item -ItemType Directory -Path $folder | Out-Null
        $jobsBefore = @(Get-Job | ForEach-Object Id)
        Push-Location -LiteralPath $folder
        try {
            & $(if ($ExampleSetup.ContainsKey($Name)) { $ExampleSetup[$Name] } else { $DefaultExampleSetup })
            Invoke-Example -Code $Code | Out-Null
        }
        finally {
            $jobs = @(Get-Job | Where-Object Id -NotIn $jobsBefore)
            $jobs | Wait-Job -Timeout 120 | Out-Null
            $states = @($jobs | ForEach-Object { "$($_.Name): $($_.State)" })
            $jobs | Remove-Job -Force
            Pop-Location
        }
        $states | Where-Object { $_ -notmatch ': (Completed|Stopped)$' } | Should -BeNullOrEmpty
    }
}

Describe 'Generated help' {
    It 'module/en-US is what tools/Build-Help.ps1 makes of help/*.md (else run ./build.ps1 -Task Help)' {
        $fresh = Join-Path $TestDrive 'en-US'
        $pwsh = (Get-Process -Id $PID).Path
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $output = & $pwsh @prefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../../tools/Build-Help.ps1') `
            -OutputPath (Join-Path $fresh 'Geneva.PowerShell.dll-Help.xml') 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $shipped = Join-Path $PSScriptRoot '../../module/en-US'
        @(Get-ChildItem $shipped -File).Name | Sort-Object | Should -Be (@(Get-ChildItem $fresh -File).Name | Sort-Object)
        foreach ($file in Get-ChildItem $fresh -File) {
            Get-Content -Raw (Join-Path $shipped $file.Name) | Should -BeExactly (Get-Content -Raw $file.FullName) -Because "module/en-US/$($file.Name) must be regenerated"
        }
    }
}

Describe 'About topics' {
    It '<_> is shown by Get-Help after Import-Module' -ForEach 'about_Geneva', 'about_Geneva_Backfill', 'about_Geneva_Udfs' {
        $text = Get-Help -Name $_ | Out-String
        $text | Should -Match "(?m)^\s*$_\s*$"
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'LONG DESCRIPTION'
    }

    It 'about_Geneva_Udfs names the assembly, namespace and interfaces of a .NET UDF' {
        $text = Get-Help -Name about_Geneva_Udfs | Out-String
        foreach ($word in 'Geneva.Core.dll', 'Geneva.Core.Udfs', 'GenevaUdf', 'IBatchUdf', 'IScalarUdf', 'IStatefulUdf', 'samples/SampleUdfs') {
            $text | Should -Match ([regex]::Escape($word))
        }
    }

    It 'about_Geneva_Backfill explains the backfill knobs' {
        $text = Get-Help -Name about_Geneva_Backfill | Out-String
        foreach ($word in '-CheckpointSize', '-MinCheckpointSize', '-Concurrency', '-IntraApplierConcurrency', '-NumFrags',
            '-CommitGranularity', '-Where', '-OnError', '-RetryErrors', '-AsJob', 'Resume-GenevaBackfill') {
            $text | Should -Match ([regex]::Escape($word))
        }
    }
}

Describe 'Format views' {
    It 'shows a table with formatted row count and its computed columns' {
        $text = Get-GenevaTable $table | Format-Text
        $text | Should -Match 'RowCount\s+: 30'
        $text | Should -Match 'Schema\s+: id:int64, text:utf8, tlen:int32'
        $text | Should -Match "Computed\s+: tlen = tlen@$($udf.EffectiveVersion) \(expression\)"
    }

    It 'shows columns as a table' {
        $text = (Get-GenevaTable $table).Columns | Format-Text
        $text | Should -Match 'Id\s+Name\s+Type\s+Udf\s+UdfKind\s+InputColumns'
        $text | Should -Match "tlen\s+int32\s+tlen\s+expression\s+text"
    }

    It 'shows a UDF without the raw error policy record' {
        $text = $udf | Format-Text
        $text | Should -Match 'InputColumns\s+: text'
        $text | Should -Match 'OnError\s+: Fail'
        $text | Should -Not -Match 'ErrorPolicy \{'
    }

    It 'collapses a plan into totals' {
        $text = $plan | Format-Text
        $text | Should -Match "Udf\s+: tlen@$($udf.EffectiveVersion)"
        $text | Should -Match 'Fragments\s+: 3'
        $text | Should -Match 'Tasks\s+: 9'
        $text | Should -Match 'RowsToCompute\s+: 30'
        $text | Should -Match 'CheckpointSize\s+: 2\.\.4'
        $text | Should -Match 'CommitGranularity\s+: 64'
        $text | Should -Not -Match 'PlannedFragment \{|BackfillSettings \{'
    }

    It 'shows fragments, tasks and settings of a plan' {
        $plan.Fragments | Format-Text | Should -Match 'FragmentId\s+Mode\s+RowCount\s+RowsToCompute\s+CheckpointedRows\s+Tasks'
        $plan.Tasks | Format-Text | Should -Match '\[4, 8\)'
        $plan.Settings | Format-Text | Should -Match 'MinCheckpointSize\s+: 2'
    }

    It 'shows a backfill result with seconds and rounded rows per second' {
        $text = $result | Format-Text
        $text | Should -Match 'Status\s+: Done'
        $text | Should -Match 'Rows\s+: 30 of 30 checkpointed'
        $text | Should -Match 'Elapsed\s+: \d+[.,]\d\d s'
        $text | Should -Match 'RowsPerSecond\s+: [\d,.\s]+\r?\n'
        $text | Should -Not -Match 'RowsPerSecond\s+: \d+\.\d'
    }

    It 'lists jobs with rows checkpointed of planned' {
        $text = Get-GenevaJob $table | Format-Text
        $text | Should -Match 'JobId\s+Column\s+Status\s+Rows\s+Errors\s+StartedAt'
        $text | Should -Match "$($result.JobId)\s+tlen\s+Done\s+30/30\s+0\s+\d\d-\d\d "
    }

    It 'lists a job''s workers with their current checkpoint size' {
        $text = (Get-GenevaJob $table).Workers | Format-Text
        $text | Should -Match 'Worker\s+Checkpoints\s+Rows\s+CheckpointSize\s+LastSeconds\s+Rows/UdfSecond'
        $text | Should -Match ':\d+\s+\d+\s+[\d,]+\s+\d+\s+\d+\.\d\d'
    }

    It 'lists row errors with the short exception type' {
        $text = Get-GenevaBackfillError $table | Format-Text
        $text | Should -Match 'Fragment\s+RowOffset\s+Action\s+Key\s+Message'
        $text | Should -Match 'Skip\s.*IOException: no sevens: row 7'
    }

    It 'lists versions' {
        $text = Get-GenevaTableVersion $table | Format-Text
        $text | Should -Match 'Version\s+Timestamp\s+Operation\s+RowCount\s+Fragments\s+Detail'
        $text | Should -Match 'add_column\s+30\s+3\s+tlen'
    }

    It 'keeps Format-List * showing every property' {
        $text = Get-GenevaJob $table | Select-Object -First 1 | Format-List * | Format-Text
        $text | Should -Match 'Request\s+:'
        $text | Should -Match 'UdfSeconds\s+:'
    }
}

AfterAll {
    Remove-Module -Name Geneva -Force -ErrorAction Ignore
}
