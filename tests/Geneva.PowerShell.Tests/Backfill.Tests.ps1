BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Get-GenevaBackfillPlan' {
    BeforeAll {
        $script:t = New-TestTable -Rows 250 -PerFragment 100
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
    }

    It 'lists fragments and checkpoint-sized tasks with the settings in force' {
        $plan = Get-GenevaBackfillPlan -Table $t -Column tlen -CheckpointSize 40
        $plan.FragmentCount | Should -Be 3
        $plan.TaskCount | Should -Be 8
        $plan.RowsToCompute | Should -Be 250
        $plan.Settings.CheckpointSize | Should -Be 40
        ($plan.Tasks | Select-Object -First 3).Offset | Should -Be @(0, 40, 80)
    }

    It 'warns when MaxCheckpointSize is above CheckpointSize and lowers it' {
        $plan = Get-GenevaBackfillPlan -Table $t -Column tlen -CheckpointSize 40 -MaxCheckpointSize 80 -WarningVariable w -WarningAction SilentlyContinue
        $plan.Settings.MaxCheckpointSize | Should -Be 40
        $w | Should -Match 'MaxCheckpointSize'
    }

    It 'reports a column with no UDF as ColumnNotBound' {
        Add-GenevaColumn -Table $t -Name plain -Type int32
        { Get-GenevaBackfillPlan -Table $t -Column plain -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnNotBound,Geneva.PowerShell.Cmdlets.GetGenevaBackfillPlanCommand'
    }

    It 'names the cmdlet that helps in the error record, not in the engine message' {
        Add-GenevaColumn -Table $t -Name plain2 -Type int32
        try { Get-GenevaBackfillPlan -Table $t -Column plain2 -ErrorAction Stop; throw 'no error' }
        catch {
            $_.Exception.Message | Should -Not -Match 'Set-GenevaColumn'
            $_.ErrorDetails.RecommendedAction | Should -Match 'Set-GenevaColumn'
            "$_" | Should -Match 'not bound to a UDF.*Set-GenevaColumn'
        }
    }

    It 'round-trips through JSON and CliXml and still starts' {
        $u = Join-Path $TestDrive 'json'
        Copy-Item $t $u -Recurse
        $json = Get-GenevaBackfillPlan -Table $u -Column tlen | ConvertTo-Json -Depth 8
        $result = $json | ConvertFrom-Json | Start-GenevaBackfill
        $result.Status | Should -Be 'Done'
        $result.RowsCheckpointed | Should -Be 250

        $v = Join-Path $TestDrive 'clixml'
        Copy-Item $t $v -Recurse
        Get-GenevaBackfillPlan -Table $v -Column tlen | Export-Clixml (Join-Path $TestDrive 'plan.xml')
        (Import-Clixml (Join-Path $TestDrive 'plan.xml') | Start-GenevaBackfill).UdfValuesComputed | Should -Be 250
    }

    It 'reports a bad filter as a parser error' {
        { Get-GenevaBackfillPlan -Table $t -Column tlen -Where 'id >>> 3' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExpressionSyntax,Geneva.PowerShell.Cmdlets.GetGenevaBackfillPlanCommand'
    }
}

Describe 'Start-GenevaBackfill' {
    It 'fills a column from a compiled batch UDF' {
        $t = New-TestTable -Rows 300 -PerFragment 100
        Add-GenevaColumn -Table $t -Name len -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName StringLength)
        $r = Start-GenevaBackfill -Table $t -Column len
        $r.Status | Should -Be 'Done'
        $r.FragmentsCommitted | Should -Be 3
        $rows = Read-GenevaTable $t
        $rows | ForEach-Object { $_.len | Should -Be $_.text.Length }
    }

    It 'fills a column from a row scriptblock and a batch scriptblock' {
        $t = New-TestTable -Rows 120 -PerFragment 50
        Add-GenevaColumn -Table $t -Name up -Udf (New-GenevaUdf -Name up -ScriptBlock { param($text) $text.ToUpper() } -OutputType utf8)
        Add-GenevaColumn -Table $t -Name twice -Udf (New-GenevaUdf -Name twice -Batch -OutputType int64 -ScriptBlock { param($id) foreach ($i in $id) { $i * 2 } })
        Start-GenevaBackfill -Table $t -Column up | Out-Null
        Start-GenevaBackfill -Table $t -Column twice | Out-Null
        $rows = Read-GenevaTable $t
        $rows[7].up | Should -Be $rows[7].text.ToUpper()
        ($rows | Where-Object { $_.twice -ne 2 * $_.id }) | Should -BeNullOrEmpty
    }

    It 'computes only rows matching -Where and keeps the values of the others' {
        $t = New-TestTable -Rows 100 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 10' -OutputType int64)
        (Start-GenevaBackfill -Table $t -Column c -Where 'id <= 30').UdfValuesComputed | Should -Be 30
        $rows = Read-GenevaTable $t
        ($rows | Where-Object id -le 30 | Where-Object { $_.c -ne $_.id * 10 }) | Should -BeNullOrEmpty
        ($rows | Where-Object id -gt 30 | Where-Object c -ne $null) | Should -BeNullOrEmpty
        # Without -Where, only the rows still null are computed.
        (Start-GenevaBackfill -Table $t -Column c).UdfValuesComputed | Should -Be 70
    }

    It 'stops after -NumFrags fragments and a later run continues' {
        $t = New-TestTable -Rows 150 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id' -OutputType int64)
        $first = Start-GenevaBackfill -Table $t -Column c -NumFrags 2
        $first.FragmentsCommitted | Should -Be 2
        $first.FragmentsDeferred | Should -Be 1
        (Start-GenevaBackfill -Table $t -Column c -NumFrags 2).FragmentsCommitted | Should -Be 1
        (Read-GenevaTable $t | Where-Object c -eq $null) | Should -BeNullOrEmpty
    }

    It 'commits a version every -CommitGranularity fragments' {
        $t = New-TestTable -Rows 150 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column c -CommitGranularity 1 | Out-Null
        @(Get-GenevaTableVersion $t | Where-Object Operation -eq backfill).Count | Should -Be 3
    }

    It 'fills rows appended after an earlier run' {
        $t = New-TestTable -Rows 50 -PerFragment 50
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id + 1' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column c | Out-Null
        51..60 | ForEach-Object { [pscustomobject]@{ id = $_; text = 'new' } } | Add-GenevaRow -Table $t
        (Start-GenevaBackfill -Table $t -Column c).UdfValuesComputed | Should -Be 10
    }

    It 'writes nothing with -WhatIf' {
        $t = New-TestTable -Rows 20
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column c -WhatIf
        (Get-GenevaTable $t).Version | Should -Be 2
        @(Get-GenevaJob $t).Count | Should -Be 0
    }

    It 'fails a UDF that returns the wrong type with UdfOutputInvalid and commits nothing' {
        $t = New-TestTable -Rows 20
        Add-GenevaColumn -Table $t -Name bad -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WrongType)
        $err = { Start-GenevaBackfill -Table $t -Column bad -ErrorAction Stop } | Should -Throw -PassThru -ErrorId 'UdfOutputInvalid,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidResult'
        (Get-GenevaTable $t).Version | Should -Be 2
        (Get-GenevaJob $t).Status | Should -Be 'Failed'
    }

    It 'fails on a throwing scriptblock, recording the row, and skips with -OnError Skip' {
        $t = New-TestTable -Rows 20 -PerFragment 20
        $body = { param($id) if ($id -eq 7) { throw 'seven is bad' } $id }
        Add-GenevaColumn -Table $t -Name f -Udf (New-GenevaUdf -Name f -ScriptBlock $body -OutputType int64)
        { Start-GenevaBackfill -Table $t -Column f -ErrorAction Stop } | Should -Throw -ErrorId 'UdfFailed,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $e = Get-GenevaBackfillError -Table $t
        $e.RowOffset | Should -Be 6
        $e.Message | Should -Match 'seven is bad'

        Set-GenevaColumn -Table $t -Name f -Udf (New-GenevaUdf -Name f -ScriptBlock $body -OutputType int64 -OnError Skip)
        $r = Start-GenevaBackfill -Table $t -Column f
        $r.ErrorCount | Should -Be 1
        (Read-GenevaTable $t -Where 'f is null').id | Should -Be 7
    }

    It 'skips a row whose output cannot be stored as the column type with -OnError Skip' {
        $t = New-TestTable -Rows 20 -PerFragment 20
        $body = { param($id) if ($id -eq 7) { 'seven' } else { $id } }
        Add-GenevaColumn -Table $t -Name g -Udf (New-GenevaUdf -Name g -ScriptBlock $body -OutputType int64 -OnError Skip)
        $r = Start-GenevaBackfill -Table $t -Column g
        $r.Status | Should -Be 'Done'
        $r.ErrorCount | Should -Be 1
        (Read-GenevaTable $t -Where 'g is null').id | Should -Be 7
        $e = Get-GenevaBackfillError -Table $t
        ($e.RowOffset, $e.Action) | Should -Be @(6, 'Skip')
        $e.Message | Should -Match "returned 'seven'"
    }

    It 'plans nothing for a finished column and retries skipped rows only with -RetryErrors' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        $flag = Join-Path $TestDrive "fixed-$(Get-Random)"
        $text = "param(`$id) if (`$id -eq 7 -and -not (Test-Path '$flag')) { throw 'seven is bad' }; if (`$id -eq 3) { `$null } else { `$id }"
        Add-GenevaColumn -Table $t -Name h -Udf (New-GenevaUdf -Name h -ScriptBlock ([scriptblock]::Create($text)) -OutputType int64 -OnError Skip)
        (Start-GenevaBackfill -Table $t -Column h).ErrorCount | Should -Be 1
        $version = (Get-GenevaTable $t).Version

        (Get-GenevaBackfillPlan -Table $t -Column h).FragmentCount | Should -Be 0
        $again = Start-GenevaBackfill -Table $t -Column h
        ($again.Status, $again.UdfValuesComputed, $again.ErrorCount) | Should -Be @('Done', 0, 0)
        (Get-GenevaTable $t).Version | Should -Be $version
        @(Get-GenevaBackfillError -Table $t).Count | Should -Be 1

        New-Item -ItemType File -Path $flag | Out-Null
        $plan = Get-GenevaBackfillPlan -Table $t -Column h -RetryErrors
        ($plan.FragmentCount, $plan.RowsToCompute) | Should -Be @(1, 2) -Because 'row 7 was skipped and row 3 is null'
        $retry = Start-GenevaBackfill -Table $t -Column h -RetryErrors
        ($retry.UdfValuesComputed, $retry.ErrorCount) | Should -Be @(2, 0)
        (Read-GenevaTable $t -Where 'h is null').id | Should -Be 3
    }

    It 'makes progress with -Where and -NumFrags: each run covers the next fragment' {
        $t = New-TestTable -Rows 30 -PerFragment 10
        Add-GenevaColumn -Table $t -Name w -Udf (New-GenevaUdf -Name w -Expression 'id * 2' -OutputType int64)
        foreach ($expected in 0, 1, 2) {
            $plan = Get-GenevaBackfillPlan -Table $t -Column w -Where 'id >= 0' -NumFrags 1
            $plan.Fragments.FragmentId | Should -Be $expected
            ($plan | Start-GenevaBackfill).FragmentsCommitted | Should -Be 1
        }
        (Get-GenevaBackfillPlan -Table $t -Column w -Where 'id >= 0' -NumFrags 1).FragmentCount | Should -Be 0
        (Read-GenevaTable $t -Where 'w is null').Count | Should -Be 0
    }

    It 'computes in worker processes only the rows a sparse filter left, in a handful of checkpoints' {
        $t = New-TestTable -Rows 3000 -PerFragment 1500
        Add-GenevaColumn -Table $t -Name v -Udf (New-GenevaUdf -Name v -Expression 'id * 2' -OutputType int64)
        $first = Start-GenevaBackfill -Table $t -Column v -Where 'id < 1490 or id > 1510' -Concurrency 1
        $first.UdfValuesComputed | Should -Be 2979
        $rest = Start-GenevaBackfill -Table $t -Column v -Concurrency 1
        $rest.UdfValuesComputed | Should -Be 21
        $rest.Checkpoints | Should -BeLessOrEqual 4 -Because 'rows that are only copied never make a checkpoint of their own'
        (Read-GenevaTable $t | Where-Object { $_.v -ne 2 * $_.id }).Count | Should -Be 0
        (Start-GenevaBackfill -Table $t -Column v).UdfValuesComputed | Should -Be 0
    }

    It 'retries a transient failure with the RetryTransient policy' {
        $t = New-TestTable -Rows 3 -PerFragment 3
        $counter = Join-Path $TestDrive "count-$(Get-Random)"
        $text = "param(`$id) `$n = [IO.File]::ReadAllText('$counter').Length; [IO.File]::AppendAllText('$counter', 'x'); if (`$n -eq 0) { throw [System.IO.IOException]::new('flaky disk') }; `$id"
        Set-Content -LiteralPath $counter -Value '' -NoNewline
        $udf = New-GenevaUdf -Name r -ScriptBlock ([scriptblock]::Create($text)) -OutputType int64 -OnError @{ Exception = 'System.IO.IOException'; Action = 'Retry'; Backoff = 'Fixed'; MaxAttempts = 2 }
        Add-GenevaColumn -Table $t -Name r -Udf $udf
        $r = Start-GenevaBackfill -Table $t -Column r
        $r.Status | Should -Be 'Done'
        (Get-GenevaBackfillError -Table $t).Action | Should -Be 'Retry'
        (Read-GenevaTable $t).r | Should -Be @(1, 2, 3)
    }
}

Describe 'Resume-GenevaBackfill after the process is killed' {
    It 'recomputes no checkpointed row and ends equal to a clean run' {
        $t = New-TestTable -Rows 3000 -PerFragment 1000 -Name killed
        $log = Join-Path $TestDrive 'calls.log'
        # A per-row UDF that logs every row it computes: the call counter.
        $text = "param(`$id) [IO.File]::AppendAllText('$log', `"`$id``n`"); Start-Sleep -Milliseconds 2; `$id * 3"
        Add-GenevaColumn -Table $t -Name slow -Udf (New-GenevaUdf -Name slow -ScriptBlock ([scriptblock]::Create($text)) -OutputType int64)

        $module = (Get-Module Geneva).Path
        $child = Start-ChildPwsh -Script "Import-Module '$module'; Start-GenevaBackfill -Table '$t' -Column slow -CheckpointSize 100 -MinCheckpointSize 100 -Concurrency 1 | Out-Null"
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            do {
                Start-Sleep -Milliseconds 100
                $job = Get-GenevaJob -Table $t -ErrorAction SilentlyContinue | Select-Object -First 1
            } until (($job -and $job.RowsCheckpointed -ge 700) -or $child.HasExited -or [DateTime]::UtcNow -gt $deadline)
            $child.HasExited | Should -BeFalse -Because 'the backfill must still be running when it is killed'
            $child.Kill()   # SIGKILL on Unix: no cleanup code runs
            $child.WaitForExit()
        }
        finally {
            if (-not $child.HasExited) { $child.Kill() }
        }

        $job = Get-GenevaJob -Table $t
        $job.Status | Should -Be 'Interrupted'
        $saved = $job.RowsCheckpointed
        $saved | Should -BeGreaterOrEqual 700
        # The worker sees its coordinator's end of the pipe close and exits; wait until the log is still.
        do {
            $before = (Get-Item -LiteralPath $log).Length
            Start-Sleep -Milliseconds 500
        } until ((Get-Item -LiteralPath $log).Length -eq $before)
        $firstRun = @(Get-Content -LiteralPath $log | ForEach-Object { [int] $_ })
        Move-Item -LiteralPath $log -Destination "$log.1"
        # At most the one checkpoint in flight was computed and lost.
        ($firstRun.Count - $saved) | Should -BeLessOrEqual 100

        $result = Resume-GenevaBackfill -Table $t
        $result.Status | Should -Be 'Done'
        $result.JobId | Should -Be $job.JobId
        $secondRun = @(Get-Content -LiteralPath $log | ForEach-Object { [int] $_ })
        # Rows are checkpointed in order, so the saved ones are ids 1..$saved: none is computed again.
        ($secondRun | Where-Object { $_ -le $saved }) | Should -BeNullOrEmpty
        $secondRun.Count | Should -Be (3000 - $saved)
        ($secondRun | Sort-Object -Unique).Count | Should -Be $secondRun.Count

        $rows = Read-GenevaTable $t -Column id, slow
        ($rows | Where-Object { $_.slow -ne 3 * $_.id }) | Should -BeNullOrEmpty
        (Get-GenevaJob -Table $t).Status | Should -Be 'Done'
    }

    It 'says when there is nothing to resume' {
        $t = New-TestTable -Rows 5
        { Resume-GenevaBackfill -Table $t -ErrorAction Stop } | Should -Throw -ErrorId 'JobNotFound,Geneva.PowerShell.Cmdlets.ResumeGenevaBackfillCommand'
    }
}
