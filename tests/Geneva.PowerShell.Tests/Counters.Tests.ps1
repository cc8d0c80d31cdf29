BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LanceInteropHelpers.ps1')
    # SleepyDouble sleeps this long per row; worker processes inherit it from this process.
    $env:GENEVA_TEST_SLEEP_MS = '2'

    # The result and Get-GenevaJob's record of its job show the same counters.
    function Assert-SameCounters {
        param($Result)
        $job = Get-GenevaJob $Result.TablePath -JobId $Result.JobId
        foreach ($name in 'RowsPlanned', 'RowsCheckpointed', 'RowsCommitted', 'UdfValuesComputed', 'RowsBeforeRun', 'Checkpoints',
            'FragmentsCommitted', 'ErrorCount') {
            $job.$name | Should -Be $Result.$name -Because "Get-GenevaJob's $name is the result's"
        }
        $job
    }
}

AfterAll { Remove-Item Env:GENEVA_TEST_SLEEP_MS -ErrorAction SilentlyContinue }

Describe 'Backfill counters: the plan, the result and Get-GenevaJob count the same rows' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'counts the rows a -Where plan says it computes, not the rows of its ranges' {
        $t = New-TestTable -Rows 3000 -PerFragment 1000
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
        $plan = Get-GenevaBackfillPlan -Table $t -Column c -Where 'id % 30 = 1'
        $plan.RowsToCompute | Should -Be 100
        $plan.RowsToProcess | Should -BeGreaterThan 100 -Because 'the tasks also read rows they only copy'

        $result = $plan | Start-GenevaBackfill

        @($result.RowsPlanned, $result.RowsCheckpointed, $result.RowsCommitted, $result.UdfValuesComputed) | Should -Be @(100, 100, 100, 100)
        $job = Assert-SameCounters $result
        @($job.FragmentsPlanned, $job.FragmentsCommitted) | Should -Be @(3, 3)
        ($result | Format-List | Out-String) | Should -Match 'Rows\s+: 100 of 100 checkpointed'
        ($job | Format-Table | Out-String) | Should -Match '100/100'
    }

    It 'counts only live rows of a table LanceDB deleted rows from' {
        $name = "del$(Get-Random)"
        $t = New-TestTable -Rows 1000 -PerFragment 500 -Name "$name.lance"
        Invoke-LanceDb @('delete', $TestDrive, $name, 'id % 10 = 3') | Out-Null
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
        (Get-GenevaBackfillPlan -Table $t -Column c).RowsToCompute | Should -Be 900

        $result = Start-GenevaBackfill -Table $t -Column c

        @($result.RowsPlanned, $result.RowsCheckpointed, $result.RowsCommitted, $result.UdfValuesComputed) | Should -Be @(900, 900, 900, 900)
        $job = Assert-SameCounters $result
        ($job.Workers | Measure-Object -Property Rows -Sum).Sum | Should -Be 900
        @(Read-GenevaTable $t -Column c | Where-Object { $null -ne $_.c }).Count | Should -Be 900
    }

    It 'continues the counters of a stopped -Where job when Resume-GenevaBackfill finishes it' {
        $t = New-TestTable -Rows 3000 -PerFragment 500
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName SleepyDouble) | Out-Null
        $job = Start-GenevaBackfill -Table $t -Column d -Where 'id % 2 = 0' -AsJob -Concurrency 1 -CommitGranularity 1 `
            -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        Wait-Until { (Get-GenevaJob $t -ErrorAction SilentlyContinue).RowsCheckpointed -ge 300 }
        $job | Stop-Job
        $stopped = $job | Receive-Job
        $stopped.Status | Should -Be 'Stopped'
        $stopped.RowsPlanned | Should -Be 1500
        $stopped.RowsCheckpointed | Should -BeLessThan 1500
        Assert-SameCounters $stopped | Out-Null

        $resumed = Resume-GenevaBackfill -Table $t -JobId $stopped.JobId

        $resumed.Status | Should -Be 'Done'
        @($resumed.RowsPlanned, $resumed.RowsCheckpointed, $resumed.RowsCommitted) | Should -Be @(1500, 1500, 1500)
        $resumed.RowsBeforeRun | Should -Be $stopped.RowsCheckpointed -Because 'the resume starts from what the stopped run saved'
        $resumed.RunRowsDone | Should -Be (1500 - $stopped.RowsCheckpointed)
        $resumed.UdfValuesComputed | Should -Be 1500 -Because 'no row was computed twice over the two runs'
        $resumed.Checkpoints | Should -BeGreaterThan $stopped.Checkpoints
        Assert-SameCounters $resumed | Out-Null
    }
}

Describe 'Early progress' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'withholds the time left and the rate while the run warms up' {
        $t = New-TestTable -Rows 400 -PerFragment 200
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName SleepyDouble) | Out-Null
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $first = $job.Progress[0]
        $first.SecondsRemaining | Should -Be -1
        $first.StatusDescription | Should -Match '^0 of 400 rows, estimating…, 0/2 fragments committed'
        [Geneva.Core.Execution.BackfillProgress]::EtaWarmUp | Should -Be ([TimeSpan]::FromSeconds(5))
    }

    It 'calls a batch UDF with a small batch first, not one row' {
        $t = New-TestTable -Rows 300 -PerFragment 300
        $log = Join-Path $TestDrive "batches-$(Get-Random).txt"
        $body = [scriptblock]::Create("param(`$id) Add-Content -LiteralPath '$log' -Value `$id.Count; foreach (`$i in `$id) { `$i * 2 }")
        Add-GenevaColumn -Table $t -Name twice -Udf (New-GenevaUdf -Name twice -Batch -OutputType int64 -ScriptBlock $body) | Out-Null

        (Start-GenevaBackfill -Table $t -Column twice -Concurrency 1).Status | Should -Be 'Done'

        $sizes = @(Get-Content -LiteralPath $log | ForEach-Object { [int] $_ })
        $sizes[0] | Should -Be ([Geneva.Core.Execution.AdaptiveCheckpointSizer]::ProofOfLifeRows)
        $sizes[0] | Should -Be 16
        ($sizes | Measure-Object -Sum).Sum | Should -Be 300
    }
}

Describe 'Background job names and the over-asked -Concurrency warning' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'names Start and Resume jobs of a column alike: Geneva:table:column' {
        $t = New-TestTable -Rows 200 -PerFragment 100 -Name 'items.lance'
        $flag = Join-Path $TestDrive 'fail-now'
        New-Item -ItemType File $flag | Out-Null
        $body = [scriptblock]::Create("param(`$id) if (Test-Path -LiteralPath '$flag') { throw 'not yet' } `$id * 2")
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -ScriptBlock $body -OutputType int64) | Out-Null
        $started = Start-GenevaBackfill -Table $t -Column c -AsJob
        $started.Name | Should -Be 'Geneva:items:c'
        $started | Wait-Job -Timeout 120 | Out-Null
        $started.State | Should -Be 'Failed'
        Remove-Item -LiteralPath $flag

        $resumed = Resume-GenevaBackfill -Table $t -AsJob
        $resumed.Name | Should -Be 'Geneva:items:c'
        ($resumed | Wait-Job -Timeout 120 | Receive-Job).Status | Should -Be 'Done'
        @(Get-Job -Name 'Geneva:items:*').Count | Should -Be 2
    }

    It 'puts the over-asked -Concurrency warning in the plan and the result, and warns once' {
        $t = New-TestTable -Rows 100 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
        $expected = "Concurrency 1024 asks for more than this machine offers \($([Environment]::ProcessorCount) core"
        (Get-GenevaBackfillPlan -Table $t -Column c -Concurrency 1024 -WarningAction SilentlyContinue).Warnings | Should -Match $expected

        $result = Start-GenevaBackfill -Table $t -Column c -Concurrency 1024 -WarningVariable w -WarningAction SilentlyContinue

        $result.Status | Should -Be 'Done'
        @($result.Warnings -match $expected).Count | Should -Be 1
        @($w | Where-Object { "$_" -match $expected }).Count | Should -Be 1 -Because 'the warning is written once, with the others'
        ($result | Format-List | Out-String) | Should -Match 'Warnings\s+: Concurrency 1024'
    }

    It 'puts the warning of a job in its Warning stream and its result' {
        $t = New-TestTable -Rows 100 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
        $job = Start-GenevaBackfill -Table $t -Column c -Concurrency 1024 -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        @($job.Warning | Where-Object { "$_" -match 'Concurrency 1024' }).Count | Should -Be 1
        $result = $job | Receive-Job -WarningAction SilentlyContinue
        $result.Warnings | Should -Match 'Concurrency 1024 asks for more'
    }
}
