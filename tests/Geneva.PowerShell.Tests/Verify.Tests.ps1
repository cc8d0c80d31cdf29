# Test-GenevaBackfill and Get-GenevaBackfillPlan -Sample, from pwsh, with the UDFs in worker processes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Every file of a table with its size and time, and its version: what "writes nothing" is checked against.
    function Get-TableState([string] $Path) {
        $files = Get-ChildItem -LiteralPath $Path -Recurse -File | Sort-Object FullName |
            ForEach-Object { '{0} {1} {2:O}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc }
        [pscustomobject]@{ Version = (Get-GenevaTable $Path).Version; Files = $files -join "`n" }
    }

    # 200 rows (id 1..200) in fragments of 50: id n is row n-1 of the table, fragment [floor((n-1)/50)], offset (n-1)%50.
    $script:t = New-TestTable -Rows 200 -PerFragment 50 -Name verify.lance
    Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
    Start-GenevaBackfill -Table $t -Column tlen | Out-Null

    # A scriptblock UDF that reads a file when it runs: what it computes changes when the file does, behind the
    # column's back (same definition, same version), which is what Test-GenevaBackfill is there to catch.
    $script:flip = Join-Path $TestDrive 'flip.txt'
    Set-Content -LiteralPath $flip -Value ''
    $drift = New-GenevaUdf -Name drift -OutputType int64 -ScriptBlock ([scriptblock]::Create(
        "param(`$id) if (@(Get-Content -LiteralPath '$flip') -contains [string]`$id) { -1 } else { `$id * 2 }"))
    Add-GenevaColumn -Table $t -Name twice -Udf $drift
    Start-GenevaBackfill -Table $t -Column twice | Out-Null
}

Describe 'Test-GenevaBackfill' {
    It 'reports a correct column: every row filled, every sampled row matching' {
        $r = Test-GenevaBackfill -Table $t -Column tlen -Sample 50
        $r | Should -BeOfType Geneva.Core.Verification.BackfillVerification
        $r.Rows | Should -Be 200
        $r.Filled | Should -Be 200
        $r.Stale + $r.Null + $r.Failed | Should -Be 0
        $r.Sampled | Should -Be 50
        $r.Matched | Should -Be 50
        $r.Mismatched | Should -Be 0
        $r.Passed | Should -BeTrue
        # The worker's notices are verbose lines, as in a backfill.
        $verbose = Test-GenevaBackfill -Table $t -Column tlen -Sample 5 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Worker .+ started|Reusing idle worker process'
    }

    It 'finds the rows whose stored values the UDF no longer computes, by address, with both values' {
        Set-Content -LiteralPath $flip -Value 7, 23, 150
        try {
            $r = Test-GenevaBackfill -Table $t -Column twice -Sample 1000
        } finally {
            Set-Content -LiteralPath $flip -Value ''
        }
        $r.Sampled | Should -Be 200
        $r.Mismatched | Should -Be 3
        $r.Filled | Should -Be 200  # same definition: not stale, just wrong now
        $m = $r.Mismatches
        @($m | ForEach-Object { "$($_.FragmentId):$($_.RowOffset)" }) | Should -Be @('0:6', '0:22', '2:49')
        @($m.Stored) | Should -Be @(14, 46, 300)
        @($m.Recomputed) | Should -Be @(-1, -1, -1)
        $m[2].RowAddress | Should -Be ([uint64] 2 -shl 32 -bor 49)
        $m[0].Stale | Should -BeFalse
        # The mismatches pipe on as records: the rows behind them read back by address.
        $ids = $m | Where-Object FragmentId -eq 0 | ForEach-Object { $_.RowOffset + 1 }
        $ids | Should -Be @(7, 23)
    }

    It 'counts a rebound column''s values as stale and reports them; -Seed repeats the sample' {
        $u = New-TestTable -Rows 120 -PerFragment 40
        Add-GenevaColumn -Table $u -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64)
        Start-GenevaBackfill -Table $u -Column c | Out-Null
        Set-GenevaColumn -Table $u -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 3' -OutputType int64)

        $a = Test-GenevaBackfill $u c -Sample 15 -Seed 5
        $b = Test-GenevaBackfill $u c -Sample 15 -Seed 5
        $c = Test-GenevaBackfill $u c -Sample 15 -Seed 6

        $a.Stale | Should -Be 120
        $a.Filled | Should -Be 0
        $a.Seed | Should -Be 5
        $a.Mismatched | Should -Be 15
        $a.Mismatches.Stale | Should -Not -Contain $false
        $addresses = { @($args[0].Mismatches.RowAddress) -join ',' }
        & $addresses $b | Should -Be (& $addresses $a)
        & $addresses $c | Should -Not -Be (& $addresses $a)
        foreach ($x in $a.Mismatches) { $x.Recomputed | Should -Be ($x.Stored / 2 * 3) }
        # The version before the rebind is still right.
        $before = (Get-GenevaTableVersion $u | Sort-Object Version)[-2].Version
        (Test-GenevaBackfill $u c -Version $before -Sample 50).Mismatched | Should -Be 0
    }

    It 'counts null and failed rows, and samples only rows with a value' {
        $u = New-TestTable -Rows 60 -PerFragment 30
        $udf = New-GenevaUdf -Name fails -OutputType int64 -OnError Skip -ScriptBlock {
            param($id) if ($id % 10 -eq 0) { throw 'tens fail' } elseif ($id % 10 -eq 5) { $null } else { $id }
        }
        Add-GenevaColumn -Table $u -Name f -Udf $udf
        Start-GenevaBackfill -Table $u -Column f | Out-Null
        $r = Test-GenevaBackfill $u f -Sample 100
        $r.Failed | Should -Be 6
        $r.Null | Should -Be 6
        $r.Filled | Should -Be 48
        $r.Sampled | Should -Be 48
        $r.Mismatched | Should -Be 0
    }

    It 'honours -Where for the counts and the sample' {
        $r = Test-GenevaBackfill -Table $t -Column tlen -Where 'id <= 30' -Sample 100
        $r.Rows | Should -Be 30
        $r.Sampled | Should -Be 30
        $r.Where | Should -Not -BeNullOrEmpty
    }

    It 'never writes: the version and every file stay as they were' {
        Set-Content -LiteralPath $flip -Value 9
        $before = Get-TableState $t
        try {
            $r = Test-GenevaBackfill -Table $t -Column twice -Sample 200
        } finally {
            Set-Content -LiteralPath $flip -Value ''
        }
        $r.Mismatched | Should -Be 1
        $after = Get-TableState $t
        $after.Version | Should -Be $before.Version
        $after.Files | Should -Be $before.Files
    }

    It 'takes tables from the pipeline and -Sample 0 only counts' {
        $r = Get-GenevaTable $t | Test-GenevaBackfill -Column tlen -Sample 0
        $r.Filled | Should -Be 200
        $r.Sampled | Should -Be 0
    }

    It 'refuses <Case> with error <ErrorId>' -ForEach @(
        @{ Case = 'a missing column'; Column = 'nope'; Where = $null; ErrorId = 'ColumnNotFound' }
        @{ Case = 'a column bound to no UDF'; Column = 'id'; Where = $null; ErrorId = 'ColumnNotBound' }
        @{ Case = 'a filter that does not parse'; Column = 'tlen'; Where = 'id >>> 3'; ErrorId = 'ExpressionSyntax' }
        @{ Case = 'a filter that is not a condition'; Column = 'tlen'; Where = 'id + 1'; ErrorId = 'ExpressionInvalid' }
    ) {
        $before = Get-TableState $t
        { Test-GenevaBackfill -Table $t -Column $Column -Where $Where -ErrorAction Stop } |
            Should -Throw -ErrorId "$ErrorId,Geneva.PowerShell.Cmdlets.TestGenevaBackfillCommand"
        (Get-TableState $t).Files | Should -Be $before.Files
    }

    It 'writes an error record per bad table and goes on with the next' {
        $other = New-TestTable -Rows 10 -PerFragment 10
        $results = $other, $t | Test-GenevaBackfill -Column tlen -Sample 5 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ColumnNotFound,Geneva.PowerShell.Cmdlets.TestGenevaBackfillCommand'
        $errs[0].TargetObject | Should -Be 'tlen'
        @($results).Count | Should -Be 1
        $results.TablePath | Should -Be $t
    }

    It 'shows coverage, sample and mismatches in its default view' {
        Set-Content -LiteralPath $flip -Value 7
        try {
            $r = Test-GenevaBackfill -Table $t -Column twice -Sample 200 -Seed 1
        } finally {
            Set-Content -LiteralPath $flip -Value ''
        }
        $text = $r | Out-String -Width 80
        $text | Should -Match 'Coverage\s+: 200 rows: 200 filled, 0 stale, 0 null, 0 failed'
        $text | Should -Match 'Sample\s+: 200 rows \(seed 1\): 199 matched, 1 mismatched'
        $text | Should -Match 'fragment 0 row 6: stored 14, now -1'
        $table = $r.Mismatches | Out-String -Width 80
        $table | Should -Match 'Fragment\s+RowOffset\s+Stale\s+Stored\s+Recomputed'
        $table | Should -Match '\s0\s+6\s+False\s+14\s+-1'
        ($r | Format-Table | Out-String -Width 80) | Should -Match 'twice\s+200\s+200\s+0\s+0\s+0\s+200\s+1'
    }
}

Describe 'Get-GenevaBackfillPlan -Sample' {
    BeforeAll {
        $script:p = New-TestTable -Rows 400 -PerFragment 100
        Add-GenevaColumn -Table $p -Name sq -Udf (New-GenevaUdf -Name sq -OutputType int64 -ScriptBlock { param($id) $id * $id })
    }

    It 'measures rows/s in a worker and estimates the plan''s time and checkpoint size' {
        $before = Get-TableState $p
        $plan = Get-GenevaBackfillPlan -Table $p -Column sq -Sample 60 -Concurrency 1
        $s = $plan.Sample
        $s | Should -BeOfType Geneva.Core.Planning.BackfillPlanSample
        $s.SampledRows | Should -Be 60
        $s.Calls | Should -Be 10
        $s.TimedCalls | Should -Be 9
        $s.RowsPerSecond | Should -BeGreaterThan 0
        $s.RowsPerSecondP10 | Should -BeLessOrEqual $s.RowsPerSecond
        $s.RowsPerSecondP90 | Should -BeGreaterOrEqual $s.RowsPerSecond
        $s.Instances | Should -Be 1
        $s.EstimatedSeconds | Should -BeGreaterThan $s.FirstResultSeconds
        $s.SuggestedCheckpointSize | Should -BeGreaterOrEqual 1
        $s.SuggestedCheckpointSize | Should -BeLessOrEqual $plan.Settings.MaxCheckpointSize
        (Get-TableState $p).Files | Should -Be $before.Files

        $text = $plan | Out-String -Width 120
        $text | Should -Match 'Sample\s+: 60 rows, 10 UDF calls'
        $text | Should -Match 'RowsPerSecond\s+: [\d,]+ per instance \(p10 [\d,]+, p90 [\d,]+'
        $text | Should -Match 'Estimate\s+: .+ for 400 rows on 1 instance\(s\)'
        $text | Should -Match 'SuggestedCheckpointSize\s+: [\d,]+ rows'
        ($plan | Format-Table | Out-String -Width 80) | Should -Match 'sq\s+\d+\s+4\s+4\s+400\s+[\d,]+\s+\S+'
    }

    It 'stays a plain plan without -Sample, and its table view says how to estimate' {
        $plan = Get-GenevaBackfillPlan -Table $p -Column sq
        $plan.Sample | Should -BeNullOrEmpty
        ($plan | Out-String) | Should -Not -Match 'RowsPerSecond'
        ($plan | Format-Table | Out-String -Width 80) | Should -Match 'needs -Sample'
    }

    It 'pipes a sampled plan into Start-GenevaBackfill' {
        $result = Get-GenevaBackfillPlan -Table $p -Column sq -Sample 20 | Start-GenevaBackfill
        $result.Status | Should -Be 'Done'
        (Read-GenevaTable $p -Column id, sq | Where-Object { $_.sq -ne $_.id * $_.id }) | Should -BeNullOrEmpty
        (Test-GenevaBackfill $p sq -Sample 40).Mismatched | Should -Be 0
    }

    It 'saves a sampled plan with its figures, and the saved plan still runs' {
        $q = New-TestTable -Rows 100 -PerFragment 50
        Add-GenevaColumn -Table $q -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64)
        $file = Join-Path $TestDrive 'sampled-plan.xml'
        Get-GenevaBackfillPlan -Table $q -Column c -Sample 30 | Export-Clixml $file
        $saved = Import-Clixml $file
        $saved.Sample.SampledRows | Should -Be 30
        $saved.Sample.RowsPerSecond | Should -BeGreaterThan 0
        ($saved | Start-GenevaBackfill).Status | Should -Be 'Done'
        (Test-GenevaBackfill $q c -Sample 100).Matched | Should -Be 100
    }

    It 'refuses -Sample 0' {
        { Get-GenevaBackfillPlan -Table $p -Column sq -Sample 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'The help''s examples run' {
    BeforeAll {
        # The examples' table: ./db/docs.lance with a computed tlen column.
        $script:where = Join-Path $TestDrive 'examples'
        New-Item -ItemType Directory -Path $where | Out-Null
        1..60 | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" } } |
            New-GenevaTable -Path (Join-Path $where 'db/docs.lance') -MaxRowsPerFragment 20 | Out-Null
        Add-GenevaColumn -Table (Join-Path $where 'db/docs.lance') -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)

        function Get-Example([string] $File, [int] $Number) {
            $text = Get-Content -Raw (Join-Path $PSScriptRoot "../../help/$File")
            $m = [regex]::Match($text, "### Example ${Number}:[^\n]*\n``````powershell\n(?<code>.*?)\n``````", 'Singleline')
            if (-not $m.Success) { throw "No example $Number in $File." }
            $m.Groups['code'].Value
        }
    }

    It 'Get-GenevaBackfillPlan example 4 (-Sample) measures, estimates and runs' {
        Push-Location $where
        try {
            $out = & ([scriptblock]::Create((Get-Example 'Get-GenevaBackfillPlan.md' 4))) -ErrorAction Stop
        } finally { Pop-Location }
        $result = @($out)[-1]
        $result.Status | Should -Be 'Done'
        @($out | Where-Object { $_ -is [Geneva.Core.Planning.BackfillPlanSample] }).Count | Should -Be 1
    }

    It 'Test-GenevaBackfill example <Number> runs without errors' -ForEach @(@{ Number = 1 }, @{ Number = 2 }, @{ Number = 3 }, @{ Number = 4 }) {
        Push-Location $where
        try {
            $out = & ([scriptblock]::Create((Get-Example 'Test-GenevaBackfill.md' $Number))) -ErrorAction Stop 2>&1
        } finally { Pop-Location }
        @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        @($out).Count | Should -BeGreaterThan 0
    }
}

Describe 'Model UDFs: both cmdlets run the model in its worker, on its device' {
    It 'checks a model column and measures the model, reporting the device' {
        $models = Join-Path $PSScriptRoot '../models'
        $m = Join-Path $TestDrive 'model-ids.lance'
        0..39 | ForEach-Object { [pscustomobject]@{ id = [long] $_ } } | New-GenevaTable -Path $m -MaxRowsPerFragment 16 | Out-Null
        Add-GenevaColumn -Table $m -Name half -Udf (New-GenevaUdf -Model (Join-Path $models 'halve.pt') -InputColumn id -OutputType float32 -BatchSize 8)

        $plan = Get-GenevaBackfillPlan -Table $m -Column half -Sample 20
        $plan.Sample.Device | Should -Be 'cpu'
        $plan.Sample.SampledRows | Should -Be 20
        ($plan | Out-String -Width 120) | Should -Match 'Sample\s+: 20 rows, 10 UDF calls on cpu'

        $plan | Start-GenevaBackfill | Out-Null
        $r = Test-GenevaBackfill -Table $m -Column half -Sample 40
        $r.Device | Should -Be 'cpu'
        $r.Sampled | Should -Be 40
        $r.Mismatched | Should -Be 0
        # A tolerance of 0 still matches: the same model on the same device gives the same floats.
        (Test-GenevaBackfill -Table $m -Column half -Sample 40 -Tolerance 0).Mismatched | Should -Be 0
    }
}
