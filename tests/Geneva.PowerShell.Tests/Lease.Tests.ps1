BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # SleepyDouble sleeps this long per row; worker processes inherit it from this process.
    $env:GENEVA_TEST_SLEEP_MS = '2'
    $script:module = (Get-Module Geneva).Path

    function New-SleepyTable {
        param([int] $Rows = 2000)
        $t = New-TestTable -Rows $Rows -PerFragment 500
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName SleepyDouble) | Out-Null
        $t
    }
}

AfterAll { Remove-Item Env:GENEVA_TEST_SLEEP_MS -ErrorAction SilentlyContinue }

Describe 'One run at a time per job and column (the lease)' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -eq 'GenevaBackfillJob' | Remove-Job -Force }

    It 'refuses a second Resume-GenevaBackfill of a job that is being resumed, naming the holder' {
        $t = New-SleepyTable
        $first = Start-GenevaBackfill -Table $t -Column d -AsJob -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        Wait-Until { (Get-GenevaJob $t).RowsCheckpointed -ge 100 }
        $first | Stop-Job
        $jobId = ($first | Receive-Job).JobId

        $resumed = Resume-GenevaBackfill -Table $t -AsJob
        Wait-Until { (Get-GenevaJob $t -JobId $jobId).Status -eq 'Running' }
        $err = { Resume-GenevaBackfill -Table $t -JobId $jobId -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'JobBusy,Geneva.PowerShell.Cmdlets.ResumeGenevaBackfillCommand'
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err.TargetObject | Should -Be $jobId
        $err.Exception.Message | Should -BeLike "*Job '$jobId' is already running (held by $([Environment]::MachineName):${PID}:*"

        $resumed | Wait-Job -Timeout 120 | Out-Null
        ($resumed | Receive-Job).Status | Should -Be 'Done'
        (Get-GenevaJob $t -JobId $jobId).RowsCheckpointed | Should -Be 2000 -Because 'no row was computed twice'
    }

    It 'refuses a second Start-GenevaBackfill of the same column from another process, naming the running job, and -Wait waits for it' {
        $t = New-SleepyTable
        $child = Start-ChildPwsh -Script "Import-Module '$module'; `$env:GENEVA_TEST_SLEEP_MS = '2'; Start-GenevaBackfill -Table '$t' -Column d -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50 | Out-Null"
        try {
            Wait-Until { @(Get-GenevaJob $t -ErrorAction SilentlyContinue | Where-Object Status -eq 'Running').Count -eq 1 }
            $running = Get-GenevaJob $t
            $err = { Start-GenevaBackfill -Table $t -Column d -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'JobBusy,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
            $err.TargetObject | Should -Be $running.JobId
            $err.Exception.Message | Should -BeLike "*being computed by job '$($running.JobId)' (held by $([Environment]::MachineName):$($child.Id):*"

            $waited = Start-GenevaBackfill -Table $t -Column d -Wait -Verbose 4>&1
            $result = $waited | Where-Object { $_ -is [Geneva.Core.Execution.BackfillResult] }
            $waited | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Waiting:*' } | Should -Not -BeNullOrEmpty
            $result.Status | Should -Be 'Done'
            $result.RowsCheckpointed | Should -Be 0 -Because 'the first job computed every row while the second waited'
            $child.WaitForExit(60000) | Should -BeTrue
            $child.ExitCode | Should -Be 0
        }
        finally {
            if (-not $child.HasExited) { $child.Kill() }
        }
        @(Get-GenevaJob $t).Status | Should -Be @('Done', 'Done')
        @(Read-GenevaTable $t | Where-Object { $_.d -ne 2 * $_.id }).Count | Should -Be 0
    }
}
