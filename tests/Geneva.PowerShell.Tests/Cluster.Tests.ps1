# Clusters on loopback (issue 13): real Geneva.Cluster.Host processes, every wait bounded, nothing left behind.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:module = (Get-Module Geneva).Path
    # LoggedSleepyDouble sleeps this long per row and logs each row id it computes, one file per worker process;
    # node processes (and their slot workers) inherit both from this process.
    $env:GENEVA_TEST_SLEEP_MS = '10'
    $script:callLog = Join-Path $TestDrive 'calls'
    $env:GENEVA_TEST_CALL_LOG = $callLog
    # Every process a test starts, so AfterAll can kill what is left: node, job and coordinator pids.
    $script:started = [System.Collections.Generic.List[int]]::new()

    function New-LoggedColumn([string] $Table, [string] $Name = 'd') {
        Add-GenevaColumn -Table $Table -Name $Name -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName LoggedSleepyDouble) | Out-Null
    }

    function Assert-Doubled([string] $Table, [string] $Column, [int] $Rows) {
        $data = @(Read-GenevaTable $Table -Column id, $Column)
        $data.Count | Should -Be $Rows
        @($data | Where-Object { $_.$Column -ne 2 * $_.id }).Count | Should -Be 0 -Because "every row of '$Column' is id * 2"
    }

    # How many times the UDF ran, over every worker process's log, since the log was cleared.
    function Get-CallCount {
        @(Get-ChildItem $callLog -Filter *.log -ErrorAction Ignore | Get-Content).Count
    }

    function Clear-CallLog {
        Remove-Item $callLog -Recurse -Force -ErrorAction Ignore
        New-Item -ItemType Directory -Path $callLog | Out-Null
    }

    Clear-CallLog
    $script:small = @{ CheckpointSize = 20; MinCheckpointSize = 20; MaxCheckpointSize = 20 }
}

AfterAll {
    Get-Job | Remove-Job -Force -ErrorAction Ignore
    $tree = @(Get-ProcessTree $started)
    if ($tree) { & kill -9 @tree 2>$null }
    Remove-Item Env:GENEVA_TEST_SLEEP_MS, Env:GENEVA_TEST_CALL_LOG -ErrorAction Ignore
}

Describe 'Cluster cmdlets without a cluster' {
    It 'Start-GenevaCluster -WhatIf starts nothing' {
        $before = @(Get-ProcessTree $PID)
        $out = Start-GenevaCluster -Workers 2 -WhatIf
        $out | Should -BeNullOrEmpty
        # (The ps that lists them is gone once it has.)
        @(Get-ProcessTree $PID | Where-Object { $_ -notin $before -and (Test-Alive $_) }) | Should -BeNullOrEmpty
    }

    It 'Get-GenevaCluster at an address where nothing answers fails with ClusterNotFound' {
        $address = "127.0.0.1:$(Get-FreePort)"
        { Get-GenevaCluster -Cluster $address -Timeout 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
    }

    It 'Start-/Resume-GenevaBackfill -Cluster at an address where nothing answers fail with ClusterNotFound and record no job' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        New-LoggedColumn $t
        { Start-GenevaBackfill -Table $t -Column d -Cluster "127.0.0.1:$(Get-FreePort)" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        # With -Concurrency only a connection is tried (the cluster's slots need not be known).
        { Start-GenevaBackfill -Table $t -Column d -Cluster "127.0.0.1:$(Get-FreePort)" -Concurrency 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        { Resume-GenevaBackfill -Table $t -Cluster "127.0.0.1:$(Get-FreePort)" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.ResumeGenevaBackfillCommand'
        @(Get-GenevaJob $t) | Should -BeNullOrEmpty
    }

    It '-Cluster takes no string that is not host:port' {
        { Get-GenevaCluster -Cluster 'not an address' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
    }
}

Describe 'A loopback cluster' {
    BeforeAll {
        $script:cluster = Start-GenevaCluster -Workers 3 -Slots 1 -Timeout 120
        $cluster.Workers.ProcessId | ForEach-Object { $started.Add($_) }
        # The fourth node joins the way a node on another machine would, from a pwsh of its own.
        $script:joinJob = Start-Job -ScriptBlock {
            param($module, $address)
            Import-Module $module
            Start-GenevaWorker -Join $address -Slots 1 -Name joined
        } -ArgumentList $module, $cluster.Address
        # Start-GenevaWorker writes the node once it has joined.
        Wait-Until { $joinJob.State -notin 'NotStarted', 'Running' -or $joinJob.ChildJobs[0].Output.Count -gt 0 } -Seconds 120
        $joinJob.ChildJobs[0].Output.Count | Should -Be 1 -Because ($joinJob.ChildJobs[0].Error | Out-String)
        $script:joined = $joinJob.ChildJobs[0].Output[0]
        $started.Add($joined.ProcessId)
        Wait-Until { @(Get-GenevaCluster $cluster | Where-Object Status -eq Active).Count -eq 4 } -Seconds 60
    }

    AfterAll {
        # Whatever a failed test left: the nodes go, and with them the joined one's job.
        # (ClusterNotFound when the last test stopped it already.)
        try { Stop-GenevaCluster $cluster -Timeout 10 -WarningAction Ignore } catch { }
        $joinJob | Remove-Job -Force -ErrorAction Ignore
    }

    It 'Start-GenevaCluster returns the seed''s address and the nodes it started' {
        $cluster | Should -BeOfType ([Geneva.PowerShell.Cluster.GenevaCluster])
        $cluster.Address | Should -Match '^127\.0\.0\.1:\d+$'
        $cluster.Workers.Name | Should -Be @('node-1', 'node-2', 'node-3')
        $cluster.Workers[0].Address | Should -Be $cluster.Address
        $cluster.Slots | Should -Be 3
        foreach ($w in $cluster.Workers) { Test-Alive $w.ProcessId | Should -BeTrue }
        ($cluster | Out-String) | Should -Match 'node-2 127\.0\.0\.1:\d+ \(process \d+, 1 slot\(s\)\)'
    }

    It 'Get-GenevaCluster lists every node, the joined one included, with its slots and status' {
        $nodes = @(Get-GenevaCluster -Cluster $cluster.Address)
        $nodes | Should -BeOfType ([Geneva.PowerShell.Cluster.GenevaClusterNode])
        ($nodes.Name | Sort-Object) | Should -Be @('joined', 'node-1', 'node-2', 'node-3')
        @($nodes | Where-Object Status -eq Active).Count | Should -Be 4
        ($nodes | Measure-Object Slots -Sum).Sum | Should -Be 4
        ($nodes | Where-Object Name -eq node-2).ProcessId | Should -Be $cluster.Workers[1].ProcessId
        ($nodes | Out-String -Width 80) | Should -Match 'Name\s+Status\s+Address\s+ProcessId\s+Slots\s+Running\s+Done'
        # The joined node came out of Start-GenevaWorker once it had joined.
        (Receive-Job $joinJob -Keep | Select-Object -First 1).Name | Should -Be 'joined'
    }

    It 'runs a backfill over the cluster that equals a local one, with metrics per node and a warning for slots it lacks' {
        $tables = New-ClusterComparisonTables
        $t = $tables.Table

        $result = Start-GenevaBackfill -Table $t -Column s -Cluster $cluster -Concurrency 6 @small -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Status | Should -Be 'Done'
        $result.RowsCheckpointed | Should -Be 200
        ($warnings -join "`n") | Should -Match 'Concurrency 6 asks for more than the cluster offers'
        Assert-SameAsLocal $tables
        # Receipts name "<node>/<host:pid>": Get-GenevaJob's worker metrics are per node.
        $workers = @((Get-GenevaJob $t).Workers.Worker)
        $workers | Should -Not -BeNullOrEmpty
        foreach ($w in $workers) { $w | Should -Match '^(node-[123]|joined)/' }
        @($workers | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
    }

    It 'runs as a job with -AsJob, as locally' {
        $t = New-TestTable -Rows 160 -PerFragment 40
        New-LoggedColumn $t
        $job = Start-GenevaBackfill -Table $t -Column d -Cluster $cluster.Address -Concurrency 4 -AsJob @small
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed' -Because "$($job.JobStateInfo.Reason) $($job.Error | Out-String)"
        ($job | Receive-Job -Keep).Status | Should -Be 'Done'
        $job.Progress.Count | Should -BeGreaterThan 0
        ($job.Verbose.Message -join "`n") | Should -Match 'dispatcher@'
        Assert-Doubled $t d 160
        $job | Remove-Job
    }

    It 'completes when a node is killed mid-job, running at most one checkpoint per lost slot again' {
        Clear-CallLog
        $t = New-TestTable -Rows 600 -PerFragment 100
        New-LoggedColumn $t
        $job = Start-GenevaBackfill -Table $t -Column d -Cluster $cluster -Concurrency 4 -AsJob @small
        $victim = $cluster.Workers[1]
        Wait-Until { $job.State -notin 'NotStarted', 'Running' -or @((Get-GenevaJob $t).Workers | Where-Object Worker -like "$($victim.Name)/*").Count -gt 0 } -Seconds 60
        $job.State | Should -Be 'Running' -Because "the node is killed mid-job: $($job.JobStateInfo.Reason) $($job.Error | Out-String)"
        Stop-Tree $victim.ProcessId
        $job | Wait-Job -Timeout 180 | Out-Null

        $job.State | Should -Be 'Completed' -Because "$($job.JobStateInfo.Reason) $($job.Error | Out-String)"
        Assert-Doubled $t d 600
        # The lost node had one slot: at most one checkpoint (20 rows) of its work runs again.
        $calls = Get-CallCount
        $calls | Should -BeGreaterOrEqual 600
        $calls - 600 | Should -BeLessOrEqual 20
        Wait-Until { (Get-GenevaCluster $cluster | Where-Object Name -eq $victim.Name).Status -eq 'Dead' } -Seconds 30
        $job | Remove-Job
    }

    It 'declares a stopped (SIGSTOP) node dead and completes the job' {
        $t = New-TestTable -Rows 300 -PerFragment 50
        New-LoggedColumn $t
        $victim = $cluster.Workers[2]
        $job = Start-GenevaBackfill -Table $t -Column d -Cluster $cluster -Concurrency 3 -AsJob @small
        try {
            Wait-Until { $job.State -notin 'NotStarted', 'Running' -or @((Get-GenevaJob $t).Workers | Where-Object Worker -like "$($victim.Name)/*").Count -gt 0 } -Seconds 60
            $job.State | Should -Be 'Running' -Because "the node is stopped mid-job: $($job.JobStateInfo.Reason) $($job.Error | Out-String)"
            & kill -STOP $victim.ProcessId
            $job | Wait-Job -Timeout 180 | Out-Null
            $job.State | Should -Be 'Completed' -Because "$($job.JobStateInfo.Reason) $($job.Error | Out-String)"
            Assert-Doubled $t d 300
            Wait-Until { (Get-GenevaCluster $cluster | Where-Object Name -eq $victim.Name).Status -eq 'Dead' } -Seconds 60
        }
        finally {
            & kill -CONT $victim.ProcessId 2>$null
            Stop-Tree $victim.ProcessId
            $job | Remove-Job -Force
        }
    }

    It 'resumes with -Cluster from the receipts after the coordinator (the session and its dispatcher) is killed' {
        Clear-CallLog
        # Two slots at 10 ms a row: about 5 s of work, killed after 60 rows.
        $t = New-TestTable -Rows 1000 -PerFragment 250
        New-LoggedColumn $t
        $coordinator = Start-ChildPwsh @"
Import-Module '$module'
Start-GenevaBackfill -Table '$t' -Column d -Cluster '$($cluster.Address)' -Concurrency 2 -CheckpointSize 20 -MinCheckpointSize 20 -MaxCheckpointSize 20
"@
        $started.Add($coordinator.Id)
        try {
            Wait-Until { $coordinator.HasExited -or (Get-GenevaJob $t | Select-Object -First 1).RowsCheckpointed -ge 60 } -Seconds 90
            # (Its error output is read only once it has exited: reading waits for the end.)
            if ($coordinator.HasExited) { $coordinator.StandardError.ReadToEnd() | Should -BeNullOrEmpty -Because 'it is killed mid-job' }
        }
        finally {
            $tree = @(Get-ProcessTree $coordinator.Id)
            & kill -9 @tree 2>$null
            $atKill = Get-GenevaJob $t | Select-Object -First 1
        }
        $coordinator.WaitForExit(10000) | Should -BeTrue
        $before = Get-GenevaJob $t | Select-Object -First 1
        $before.Status | Should -Not -Be 'Done' -Because "$($atKill.RowsCheckpointed) rows were saved when $($tree -join ', ') were killed"
        $tree.Count | Should -BeGreaterOrEqual 2 -Because 'the coordinator and its dispatcher are killed'

        $result = Resume-GenevaBackfill -Table $t -Cluster $cluster -Wait
        $result.Status | Should -Be 'Done'
        $result.JobId | Should -Be $before.JobId
        $result.RowsBeforeRun | Should -BeGreaterOrEqual 60 -Because 'the checkpoints saved before the kill are kept'
        Assert-Doubled $t d 1000
        # Only the killed run's in-flight checkpoints (one per slot it used, of 20 rows) ran again.
        $calls = Get-CallCount
        $calls | Should -BeGreaterOrEqual 1000
        $calls - 1000 | Should -BeLessOrEqual 40
    }

    It 'Stop-GenevaCluster -WhatIf stops nothing' {
        Stop-GenevaCluster $cluster -WhatIf
        @(Get-GenevaCluster $cluster | Where-Object Status -eq Active).Count | Should -BeGreaterOrEqual 2
        Test-Alive $cluster.Workers[0].ProcessId | Should -BeTrue
    }

    It 'Stop-GenevaCluster stops every node, the joined one included, and leaves no process behind' {
        $tree = @(Get-ProcessTree (@($cluster.Workers.ProcessId) + $joined.ProcessId))
        $tree.Count | Should -BeGreaterOrEqual 2
        Stop-GenevaCluster -Cluster $cluster -Timeout 30
        Wait-Until { @($tree | Where-Object { Test-Alive $_ }).Count -eq 0 } -Seconds 30
        $joinJob | Wait-Job -Timeout 30 | Out-Null
        $joinJob.State | Should -Be 'Completed' -Because "$($joinJob.ChildJobs[0].JobStateInfo.Reason) $($joinJob.ChildJobs[0].Error | Out-String)"
        { Get-GenevaCluster $cluster -Timeout 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
    }
}

Describe 'Start-GenevaWorker' {
    It 'leaves the cluster cleanly when stopped (Ctrl+C)' {
        $one = Start-GenevaCluster -Workers 1 -Slots 1
        $started.Add($one.Workers[0].ProcessId)
        try {
            $worker = Start-ThreadJob -ScriptBlock {
                param($module, $address) Import-Module $module; Start-GenevaWorker -Join $address -Name ctrlc -Verbose
            } -ArgumentList $module, $one.Address
            Wait-Until { $worker.State -notin 'NotStarted', 'Running' -or $worker.Output.Count -gt 0 } -Seconds 120
            $worker.Output.Count | Should -Be 1 -Because ($worker.Error | Out-String)
            $node = $worker.Output[0]
            $started.Add($node.ProcessId)
            (Get-GenevaCluster $one | Where-Object Name -eq ctrlc).Status | Should -Be 'Active'
            $worker | Stop-Job
            Wait-Until { -not (Test-Alive $node.ProcessId) } -Seconds 40
            $worker.State | Should -Be 'Stopped'
            (Get-GenevaCluster $one | Where-Object Name -eq ctrlc).Status | Should -Not -Be 'Active'
            ($worker.Verbose.Message -join "`n") | Should -Match 'Joined the cluster'
        }
        finally {
            Get-Job | Where-Object PSJobTypeName -eq ThreadJob | Remove-Job -Force
            Stop-GenevaCluster $one
        }
        Test-Alive $one.Workers[0].ProcessId | Should -BeFalse
    }
}
