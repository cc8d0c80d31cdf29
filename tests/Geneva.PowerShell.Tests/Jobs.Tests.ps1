BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # SleepyDouble sleeps this long per row; worker processes inherit it from this process.
    $env:GENEVA_TEST_SLEEP_MS = '2'
    $script:module = (Get-Module Geneva).Path

    function Add-SleepyColumn {
        param([string] $Table, [string] $Name)
        Add-GenevaColumn -Table $Table -Name $Name -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName SleepyDouble) | Out-Null
    }

    function Assert-Doubled {
        param([string] $Table, [string] $Column, [int] $Rows)
        $data = @(Read-GenevaTable $Table -Column id, $Column)
        $data.Count | Should -Be $Rows
        @($data | Where-Object { $_.$Column -ne 2 * $_.id }).Count | Should -Be 0 -Because "every row of '$Column' is id * 2"
    }
}

AfterAll { Remove-Item Env:GENEVA_TEST_SLEEP_MS -ErrorAction SilentlyContinue }

Describe 'Start-GenevaBackfill -AsJob' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'returns a job that Get-Job, Wait-Job, Receive-Job and Remove-Job work on' {
        $t = New-TestTable -Rows 400 -PerFragment 100
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        $job = Start-GenevaBackfill -Table $t -Column tlen -AsJob
        $job | Should -BeOfType ([System.Management.Automation.Job2])
        $job.PSJobTypeName | Should -Be 'GenevaBackfillJob'
        $job.Location | Should -Be $t
        (Get-Job -Id $job.Id).InstanceId | Should -Be $job.InstanceId

        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        $result = $job | Receive-Job
        $result.Status | Should -Be 'Done'
        $result.RowsCheckpointed | Should -Be 400
        $job.GenevaJobId | Should -Be $result.JobId
        $job.HasMoreData | Should -BeFalse
        (Read-GenevaTable $t).tlen | Should -Be @(Read-GenevaTable $t | ForEach-Object { $_.text.Length })

        $job | Remove-Job
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'carries progress records in its progress stream' {
        $t = New-TestTable -Rows 600 -PerFragment 200
        Add-SleepyColumn $t d
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -CheckpointSize 50 -MinCheckpointSize 50
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.Progress.Count | Should -BeGreaterThan 0
        $job.Progress[0].Activity | Should -Match "Backfilling 'd'"
        $job.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'stops cleanly with Stop-Job and Resume-GenevaBackfill -AsJob finishes it without redoing saved rows' {
        $t = New-TestTable -Rows 3000 -PerFragment 500
        Add-SleepyColumn $t d
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        Wait-Until { (Get-GenevaJob $t).RowsCheckpointed -ge 300 }
        $job | Stop-Job
        $job.State | Should -Be 'Stopped'
        $stopped = $job | Receive-Job
        $stopped.Status | Should -Be 'Stopped'
        $record = Get-GenevaJob $t -JobId $stopped.JobId
        $record.Status | Should -Be 'Stopped'
        $saved = $record.RowsCheckpointed
        $saved | Should -BeLessThan 3000
        # Whole checkpoints only: nothing half-saved.
        $saved % 50 | Should -Be 0

        $resumed = Resume-GenevaBackfill -Table $t -JobId $stopped.JobId -AsJob
        $resumed | Wait-Job -Timeout 120 | Out-Null
        $resumed.State | Should -Be 'Completed'
        $result = $resumed | Receive-Job
        $result.JobId | Should -Be $stopped.JobId
        $result.Status | Should -Be 'Done'
        $result.RunRowsDone | Should -Be (3000 - $saved)
        $result.UdfValuesComputed | Should -Be 3000 -Because "the job's counts go on, and no row was computed twice"
        Assert-Doubled $t d 3000
    }

    It 'resumes with fewer workers than the job started with' {
        $t = New-TestTable -Rows 1500 -PerFragment 250
        Add-SleepyColumn $t d
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -Concurrency 2 -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        Wait-Until { @((Get-GenevaJob $t).Workers).Count -ge 2 -and (Get-GenevaJob $t).RowsCheckpointed -ge 300 }
        $job | Stop-Job
        $result = Resume-GenevaBackfill -Table $t -Concurrency 1
        $result.Status | Should -Be 'Done'
        @((Get-GenevaJob $t).Workers).Count | Should -Be 1 -Because 'the resumed run used one worker'
        Assert-Doubled $t d 1500
    }

    It 'fails with the engine error as the job''s error record' {
        $t = New-TestTable -Rows 50 -PerFragment 50
        Add-GenevaColumn -Table $t -Name bad -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WrongType)
        $job = Start-GenevaBackfill -Table $t -Column bad -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Failed'
        $errors = @()
        $job | Receive-Job -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -BeGreaterThan 0
        $errors[0].FullyQualifiedErrorId | Should -Match 'UdfOutputInvalid'
        (Get-GenevaJob $t).Status | Should -Be 'Failed'
    }

    It 'honours -WhatIf without starting a job' {
        $t = New-TestTable -Rows 10 -PerFragment 10
        Add-SleepyColumn $t d
        Start-GenevaBackfill -Table $t -Column d -AsJob -WhatIf | Should -BeNullOrEmpty
        Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Should -BeNullOrEmpty
    }
}

Describe 'Stopping a foreground backfill' {
    It 'stops on Ctrl+C (the pipeline''s Stop) with whole checkpoints saved, as a resumable stopped job' {
        $t = New-TestTable -Rows 3000 -PerFragment 500
        Add-SleepyColumn $t d
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$module'; Start-GenevaBackfill -Table '$t' -Column d -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50")
            $null = $ps.BeginInvoke()
            Wait-Until { (Get-GenevaJob $t -ErrorAction SilentlyContinue).RowsCheckpointed -ge 200 }
            $ps.Stop()   # what Ctrl+C does: the cmdlet's StopProcessing
        }
        finally { $ps.Dispose() }

        $job = Get-GenevaJob $t
        $job.Status | Should -Be 'Stopped' -Because "the job's error says: $($job.Error)"
        $job.RowsCheckpointed | Should -BeLessThan 3000
        $job.RowsCheckpointed % 50 | Should -Be 0
        (Resume-GenevaBackfill -Table $t).Status | Should -Be 'Done'
        Assert-Doubled $t d 3000
    }
}

Describe 'Worker processes' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'completes correctly when one worker process is killed mid-job' {
        $t = New-TestTable -Rows 2000 -PerFragment 250
        Add-SleepyColumn $t d
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -Concurrency 2 -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        Wait-Until { @((Get-GenevaJob $t).Workers).Count -ge 2 }
        $victim = [int] ((Get-GenevaJob $t).Workers[0].Worker -split ':')[-1]
        Stop-Process -Id $victim -Force
        $job | Wait-Job -Timeout 120 | Out-Null

        $job.State | Should -Be 'Completed'
        ($job | Receive-Job -Keep).Status | Should -Be 'Done'
        ($job.Verbose.Message -join "`n") | Should -Match "Worker process $victim exited"
        Assert-Doubled $t d 2000
        # The replacement worker shows up in the job's metrics.
        @((Get-GenevaJob $t).Workers).Count | Should -BeGreaterOrEqual 3
    }

    It 'kills a hung worker after -CheckpointTimeout and fails the job with the cause after 3 attempts' {
        $t = New-TestTable -Rows 60 -PerFragment 30
        Add-GenevaRow -Table $t -InputObject ([pscustomobject]@{ id = 61; text = 'hang' })
        Add-GenevaColumn -Table $t -Name h -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName HangOnPoison)
        { Start-GenevaBackfill -Table $t -Column h -CheckpointTimeout 1 -Concurrency 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfFailed,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand' -ExpectedMessage '*killed as hung (no checkpoint for 1 s)*'
        $job = Get-GenevaJob $t
        $job.Status | Should -Be 'Failed'
        $job.RowsCheckpointed | Should -Be 60
    }

    It 'keeps the type, message and stack of a UDF''s exception in the error record' {
        $t = New-TestTable -Rows 20 -PerFragment 20
        Add-GenevaRow -Table $t -InputObject ([pscustomobject]@{ id = 21; text = 'boom' })
        Add-GenevaColumn -Table $t -Name f -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName FailOnBoom)
        $err = try { Start-GenevaBackfill -Table $t -Column f -ErrorAction Stop } catch { $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UdfFailed,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $inner = $err.Exception.InnerException
        $inner.TypeName | Should -Be 'System.InvalidOperationException'
        $inner.Message | Should -Be 'boom row'
        $inner.StackTrace | Should -Match 'Geneva\.TestUdfs\.FailOnBoom\.Apply'

        Add-GenevaColumn -Table $t -Name s -Udf (New-GenevaUdf -Name s -OutputType int32 -ScriptBlock { param($text) if ($text -eq 'boom') { throw [System.IO.IOException]'disk gone' }; 1 })
        $err = try { Start-GenevaBackfill -Table $t -Column s -ErrorAction Stop } catch { $_ }
        $err.Exception.InnerException.TypeName | Should -Be 'System.IO.IOException'
        $err.Exception.InnerException.Message | Should -Be 'disk gone'
    }

    It 'keeps what a UDF writes to the console out of the worker protocol and shows it as verbose output' {
        $t = New-TestTable -Rows 300 -PerFragment 100
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName ConsoleChatter)
        $out = Start-GenevaBackfill -Table $t -Column c -CheckpointSize 50 -MinCheckpointSize 50 -Verbose 4>&1
        ($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'Done'
        $verbose = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match 'output: \.*chatter 205'
        $verbose | Should -Match 'error output: complaint 105'
        Assert-Doubled $t c 300

        $udf = New-GenevaUdf -Name s -OutputType int64 -ScriptBlock {
            param($id)
            [Console]::Write('.')
            if ($id % 100 -eq 7) { [Console]::WriteLine("scriptblock chatter $id"); [Console]::WriteLine('{"type":"done","taskNumber":1}') }
            Write-Host "host line $id"
            $id * 2
        }
        Add-GenevaColumn -Table $t -Name s -Udf $udf
        $out = Start-GenevaBackfill -Table $t -Column s -CheckpointSize 50 -MinCheckpointSize 50 -Verbose 4>&1
        ($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'Done'
        $verbose = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match 'output: \.*scriptblock chatter 207'
        $verbose | Should -Match 'output: \.?host line 250'
        Assert-Doubled $t s 300
    }

    It 'runs -Concurrency x -IntraApplierConcurrency UDF instances, capped to the machine with a warning' {
        $t = New-TestTable -Rows 400 -PerFragment 50
        Add-SleepyColumn $t d
        $result = Start-GenevaBackfill -Table $t -Column d -Concurrency 1024 -IntraApplierConcurrency 2 -CheckpointSize 50 `
            -WarningVariable w -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Done'
        ($w -join "`n") | Should -Match "Concurrency 1024 asks for more than this machine offers \($([Environment]::ProcessorCount) core"
        @((Get-GenevaJob $t).Workers).Count | Should -Be ([Environment]::ProcessorCount)
        Assert-Doubled $t d 400
    }

    It 'shows live metrics of a running job to another pwsh session' {
        $t = New-TestTable -Rows 6000 -PerFragment 500
        Add-SleepyColumn $t d
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -Concurrency 1 -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        # The ETA is withheld for the run's first seconds (BackfillProgress.EtaWarmUp).
        Wait-Until { (Get-GenevaJob $t).Checkpoints -ge 3 -and $null -ne (Get-GenevaJob $t).Eta }
        $child = Start-ChildPwsh -Script "Import-Module '$module'; Get-GenevaJob '$t' | Select-Object Status, RowsCheckpointed, RowsPerSecond, Eta, Checkpoints, ErrorCount, Workers | ConvertTo-Json -Depth 4 -EnumsAsStrings"
        $json = $child.StandardOutput.ReadToEnd()
        $child.WaitForExit()
        $job | Stop-Job
        $seen = $json | ConvertFrom-Json
        $seen.Status | Should -Be 'Running'
        $seen.RowsPerSecond | Should -BeGreaterThan 0
        $seen.Eta | Should -Not -BeNullOrEmpty
        $seen.Checkpoints | Should -BeGreaterOrEqual 3
        @($seen.Workers).Count | Should -Be 1
        $seen.Workers[0].CurrentCheckpointSize | Should -Be 50
        $seen.Workers[0].Worker | Should -Match ':\d+$'
    }
}

Describe 'Concurrent writers' {
    It 'runs backfills of two columns in two processes at once and keeps both' {
        $t = New-TestTable -Rows 2000 -PerFragment 200
        Add-SleepyColumn $t a
        Add-SleepyColumn $t b
        $children = 'a', 'b' | ForEach-Object {
            Start-ChildPwsh -Script "Import-Module '$module'; Start-GenevaBackfill -Table '$t' -Column $_ -CommitGranularity 1 -Concurrency 1 | Out-Null"
        }
        Wait-Until { @(Get-GenevaJob $t -ErrorAction SilentlyContinue | Where-Object Status -eq 'Running').Count -eq 2 } -Seconds 60
        foreach ($child in $children) {
            $child.WaitForExit()
            $child.ExitCode | Should -Be 0 -Because $child.StandardError.ReadToEnd()
        }
        @(Get-GenevaJob $t | Where-Object Status -eq 'Done').Count | Should -Be 2
        Assert-Doubled $t a 2000
        Assert-Doubled $t b 2000
    }

    It 'keeps rows appended while a backfill runs, and a re-run fills just those' {
        $t = New-TestTable -Rows 2000 -PerFragment 200
        Add-SleepyColumn $t d
        $child = Start-ChildPwsh -Script "Import-Module '$module'; Start-GenevaBackfill -Table '$t' -Column d -CommitGranularity 1 -Concurrency 1 | Out-Null"
        Wait-Until { (Get-GenevaJob $t -ErrorAction SilentlyContinue).RowsCheckpointed -gt 0 }
        foreach ($batch in 0..4) {
            2001 + 20 * $batch | ForEach-Object { $_..($_ + 19) } |
                ForEach-Object { [pscustomobject]@{ id = $_; text = "new $_" } } | Add-GenevaRow -Table $t
        }
        $child.HasExited | Should -BeFalse -Because 'the appends must land while the backfill runs'
        $child.WaitForExit()
        $child.ExitCode | Should -Be 0 -Because $child.StandardError.ReadToEnd()

        $data = @(Read-GenevaTable $t -Column id, d)
        $data.Count | Should -Be 2100
        @($data | Where-Object { $_.id -le 2000 -and $_.d -ne 2 * $_.id }).Count | Should -Be 0
        @($data | Where-Object { $_.id -gt 2000 -and $null -ne $_.d }).Count | Should -Be 0 -Because 'rows appended after the pinned version were not planned'

        $rerun = Start-GenevaBackfill -Table $t -Column d
        $rerun.UdfValuesComputed | Should -Be 100
        Assert-Doubled $t d 2100
    }
}

Describe 'Resume-GenevaBackfill -Column' {
    It 'resumes the newest unfinished job of that column, not a newer one of another column' {
        $t = New-TestTable -Rows 40 -PerFragment 20
        $flag = Join-Path $TestDrive 'fail-now'
        New-Item -ItemType File $flag | Out-Null
        # Fails while the flag file exists: a transient fault the resume no longer meets.
        $body = [scriptblock]::Create("param(`$id) if (Test-Path -LiteralPath '$flag') { throw 'not yet' } `$id * 2")
        foreach ($name in 'a', 'b') {
            Add-GenevaColumn -Table $t -Name $name -Udf (New-GenevaUdf -Name $name -ScriptBlock $body -OutputType int64) | Out-Null
            { Start-GenevaBackfill -Table $t -Column $name -ErrorAction Stop } | Should -Throw -ErrorId 'UdfFailed,*'
        }
        Remove-Item -LiteralPath $flag

        $result = Resume-GenevaBackfill -Table $t -Column a

        ($result.Column, $result.Status) | Should -Be @('a', 'Done')
        @(Get-GenevaJob $t | Where-Object Column -eq 'b').Status | Should -Be 'Failed'
        Assert-Doubled $t a 40
        { Resume-GenevaBackfill -Table $t -Column a -ErrorAction Stop } | Should -Throw -ErrorId 'JobNotFound,*'
    }
}
