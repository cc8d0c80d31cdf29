# A deployed cluster named by its PostgreSQL membership database (issue 13): -Cluster and -Join take the connection
# string. A private PostgreSQL server (initdb + pg_ctl on a free loopback port, trust auth) runs for this file; without
# PostgreSQL the file fails, it never skips. Every wait is bounded; AfterAll kills every process the file started.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:module = (Get-Module Geneva).Path
    # Every process a test starts (nodes, the database server), so AfterAll can kill what is left.
    $script:started = [System.Collections.Generic.List[int]]::new()

    # The folder of initdb and pg_ctl: GENEVA_POSTGRES_BIN, /usr/lib/postgresql/<newest>/bin, or PATH.
    function Find-PostgresBin {
        $has = { param($f) $f -and (Test-Path (Join-Path $f 'initdb')) -and (Test-Path (Join-Path $f 'pg_ctl')) }
        if (& $has $env:GENEVA_POSTGRES_BIN) { return $env:GENEVA_POSTGRES_BIN }
        $debian = Get-ChildItem /usr/lib/postgresql -Directory -ErrorAction Ignore |
            Sort-Object { [int] ($_.Name -replace '\D', '0') } -Descending |
            ForEach-Object { Join-Path $_.FullName 'bin' } | Where-Object { & $has $_ } | Select-Object -First 1
        if ($debian) { return $debian }
        $env:PATH -split [IO.Path]::PathSeparator | Where-Object { & $has $_ } | Select-Object -First 1
    }

    # Runs a PostgreSQL tool (as the postgres user when root: the server refuses root), bounded; throws on failure.
    function Invoke-PostgresTool([string] $Tool, [string[]] $Arguments, [switch] $AsServerUser) {
        $exe = Join-Path $pgBin $Tool
        $asRoot = $AsServerUser -and (& id -u) -eq '0'
        $info = [Diagnostics.ProcessStartInfo]::new($(if ($asRoot) { 'runuser' } else { $exe }))
        if ($asRoot) { foreach ($a in '-u', 'postgres', '--', $exe) { $info.ArgumentList.Add($a) } }
        foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($info)
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(60000)) {
            $process.Kill($true)
            throw "$Tool did not finish in 60 s."
        }
        if ($process.ExitCode -ne 0) { throw "$Tool failed (exit $($process.ExitCode)): $($err.Result)$($out.Result)" }
    }

    # A new, empty database on the private server; its connection string. The password is one trust auth ignores, so
    # the tests can look for it wherever the module might show the string.
    function New-Database {
        $name = "geneva_$((++$script:databases))"
        Invoke-PostgresTool createdb @('-h', '127.0.0.1', '-p', "$pgPort", '-U', 'postgres', $name)
        "Host=127.0.0.1;Port=$pgPort;Username=postgres;Password=$secret;Database=$name;Timeout=15"
    }

    # Nothing the user sees shows the password: error records, verbose lines, warnings, job commands.
    function Assert-NoSecret([object[]] $Records, [string] $Because) {
        foreach ($r in $Records) {
            $texts = @("$r")
            if ($r -is [System.Management.Automation.ErrorRecord]) {
                $texts += $r.Exception.Message, "$($r.TargetObject)", $r.CategoryInfo.GetMessage(), "$($r.ErrorDetails)"
            }
            foreach ($t in $texts) { $t | Should -Not -Match $secret -Because $Because }
        }
    }

    $script:secret = 's3cret'
    $script:databases = 0
    $script:pgBin = Find-PostgresBin
    if (-not $pgBin) {
        throw ('PostgreSQL is required for these tests and was not found: no initdb and pg_ctl in GENEVA_POSTGRES_BIN, ' +
            '/usr/lib/postgresql/<version>/bin or PATH. Install it (Debian: apt-get install postgresql) or set ' +
            'GENEVA_POSTGRES_BIN to the folder that holds initdb and pg_ctl.')
    }
    # Not under TestDrive: the server's own user must reach the folder.
    $script:pgFolder = Join-Path ([IO.Path]::GetTempPath()) "geneva-pg-$(Get-Random)"
    New-Item -ItemType Directory -Path $pgFolder | Out-Null
    & chmod 777 $pgFolder
    $script:pgData = Join-Path $pgFolder 'data'
    $script:pgPort = Get-FreePort
    Invoke-PostgresTool initdb @('-D', $pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync') -AsServerUser
    Invoke-PostgresTool pg_ctl @('-D', $pgData, '-l', (Join-Path $pgFolder 'server.log'), '-w', '-t', '60',
        '-o', "-p $pgPort -k $pgFolder -c listen_addresses=127.0.0.1 -c fsync=off", 'start') -AsServerUser
    $script:pgStarted = $true
    $started.Add([int] (Get-Content (Join-Path $pgData 'postmaster.pid') -TotalCount 1))
}

AfterAll {
    Get-Job | Remove-Job -Force -ErrorAction Ignore
    # Nodes first (they would only log the database's absence), then the server.
    $nodes = @($started | Select-Object -Skip 1)
    $tree = @(Get-ProcessTree $nodes)
    if ($tree) { & kill -9 @tree 2>$null }
    if ($pgStarted) {
        try { Invoke-PostgresTool pg_ctl @('-D', $pgData, '-m', 'immediate', '-w', '-t', '60', 'stop') -AsServerUser } catch { Write-Warning "$_" }
    }
    $tree = @(Get-ProcessTree $started)
    if ($tree) { & kill -9 @tree 2>$null }
    if ($pgFolder) { Remove-Item -LiteralPath $pgFolder -Recurse -Force -ErrorAction Ignore }
}

Describe 'A connection string with a password, where no cluster is' {
    BeforeAll {
        $script:empty = New-Database
    }

    It 'Get-GenevaCluster on an empty database fails with ClusterNotFound, without the password in the error or verbose lines' {
        $verbose = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { Get-GenevaCluster -Cluster $empty -Timeout 5 -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty -Because 'no node ever joined'
        $err.FullyQualifiedErrorId | Should -Be 'ClusterNotFound,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
        $err.Exception.Message | Should -Match 'Password=\*\*\*'
        $err.Exception.Message | Should -Match "Database=geneva_\d+"
        Assert-NoSecret (@($err) + $verbose.ToArray()) 'the connection string is shown without its password'
    }

    It 'Get-GenevaCluster at a database server that does not answer fails with ClusterNotFound and hides the password' {
        $nowhere = "Host=127.0.0.1;Port=$(Get-FreePort);Username=postgres;Password=$secret;Database=none;Timeout=3"
        $err = $null
        try { Get-GenevaCluster -Cluster $nowhere -Timeout 5 -ErrorAction Stop }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ClusterNotFound,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
        $err.Exception.Message | Should -Match 'membership database did not answer'
        Assert-NoSecret @($err) 'the connection string is shown without its password'
    }

    It 'Start-GenevaWorker -Join at a database server that does not answer fails with ClusterJoinFailed, one line of cause, no password' {
        $nowhere = "Host=127.0.0.1;Port=$(Get-FreePort);Username=postgres;Password=$secret;Database=none;Timeout=3"
        $verbose = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { Start-GenevaWorker -Join $nowhere -Name nowhere -Timeout 60 -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ClusterJoinFailed,Geneva.PowerShell.Cmdlets.StartGenevaWorkerCommand'
        $err.Exception.Message | Should -Match 'exited with code 2 before it joined.*membership database did not answer: Failed to connect'
        $err.Exception.Message | Should -Not -Match 'Unhandled exception' -Because 'a database that is down is a cause, not a crash'
        Assert-NoSecret (@($err) + $verbose.ToArray()) 'the connection string is shown without its password'
    }

    It 'Start-/Resume-GenevaBackfill -Cluster on an empty database fail with ClusterNotFound, record no job, and hide the password' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName LoggedSleepyDouble) | Out-Null
        foreach ($concurrency in @{}, @{ Concurrency = 2 }) {
            $verbose = [System.Collections.Generic.List[object]]::new()
            $err = $null
            try { Start-GenevaBackfill -Table $t -Column d -Cluster $empty @concurrency -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } }
            catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'ClusterNotFound,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
            Assert-NoSecret (@($err) + $verbose.ToArray()) 'the connection string is shown without its password'
        }
        $err = $null
        try { Resume-GenevaBackfill -Table $t -Cluster $empty -ErrorAction Stop }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ClusterNotFound,Geneva.PowerShell.Cmdlets.ResumeGenevaBackfillCommand'
        Assert-NoSecret @($err) 'the connection string is shown without its password'
        @(Get-GenevaJob $t) | Should -BeNullOrEmpty
    }

    It 'Stop-GenevaCluster on an empty database fails with ClusterNotFound and hides the password, -Verbose included' {
        $verbose = [System.Collections.Generic.List[object]]::new()
        $err = $null
        try { Stop-GenevaCluster -Cluster $empty -Timeout 5 -Verbose -ErrorAction Stop 4>&1 | ForEach-Object { $verbose.Add($_) } }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ClusterNotFound,Geneva.PowerShell.Cmdlets.StopGenevaClusterCommand'
        ($verbose -join "`n") | Should -Match 'Performing the operation "Stop every node of the cluster" on target "Host=127\.0\.0\.1;'
        Assert-NoSecret (@($err) + $verbose.ToArray()) 'the connection string is shown without its password'
    }
}

Describe 'A cluster whose nodes joined through PostgreSQL' {
    BeforeAll {
        $script:cs = New-Database
        # Each node joins the way a node on another machine would, from a pwsh of its own, naming only the database
        # (empty: the nodes install the membership schema themselves).
        $script:joinJobs = foreach ($name in 'pg-1', 'pg-2') {
            Start-Job -ScriptBlock {
                param($module, $cs, $name)
                Import-Module $module
                Start-GenevaWorker -Join $cs -Slots 1 -Name $name -Verbose
            } -ArgumentList $module, $cs, $name
        }
        # Start-GenevaWorker writes the node once it has joined.
        foreach ($job in $joinJobs) {
            Wait-Until { $job.State -notin 'NotStarted', 'Running' -or $job.ChildJobs[0].Output.Count -gt 0 } -Seconds 120
            $job.ChildJobs[0].Output.Count | Should -Be 1 -Because ($job.ChildJobs[0].Error | Out-String)
            $started.Add($job.ChildJobs[0].Output[0].ProcessId)
        }
        $script:joined = @($joinJobs | ForEach-Object { $_.ChildJobs[0].Output[0] })
        Wait-Until { @(Get-GenevaCluster -Cluster $cs | Where-Object Status -eq Active).Count -eq 2 } -Seconds 60
    }

    AfterAll {
        try { Stop-GenevaCluster -Cluster $cs -Timeout 10 -WarningAction Ignore } catch { }
        $joinJobs | Remove-Job -Force -ErrorAction Ignore
    }

    It 'Start-GenevaWorker -Join joins with the connection string, without showing its password' {
        ($joined.Name | Sort-Object) | Should -Be @('pg-1', 'pg-2')
        foreach ($job in $joinJobs) {
            $messages = @($job.ChildJobs[0].Verbose.Message)
            ($messages -join "`n") | Should -Match 'Joined the cluster at Host=127\.0\.0\.1;.*Password=\*\*\*'
            Assert-NoSecret $messages 'the verbose lines show the connection string without its password'
            Assert-NoSecret @($job.ChildJobs[0].Error) 'the errors show the connection string without its password'
        }
    }

    It 'Get-GenevaCluster -Cluster with a connection string lists both nodes, Active' {
        $nodes = @(Get-GenevaCluster -Cluster $cs)
        $nodes | Should -BeOfType ([Geneva.PowerShell.Cluster.GenevaClusterNode])
        ($nodes.Name | Sort-Object) | Should -Be @('pg-1', 'pg-2')
        @($nodes | Where-Object Status -eq Active).Count | Should -Be 2
        ($nodes | Measure-Object Slots -Sum).Sum | Should -Be 2
        ($nodes | Where-Object Name -eq pg-2).ProcessId | Should -Be ($joined | Where-Object Name -eq pg-2).ProcessId
    }

    It 'Start-GenevaBackfill -Cluster with a connection string equals a local backfill, with metrics naming both nodes' {
        $tables = New-ClusterComparisonTables
        $t = $tables.Table

        $out = @(Start-GenevaBackfill -Table $t -Column s -Cluster $cs -CheckpointSize 20 -MinCheckpointSize 20 -MaxCheckpointSize 20 -Verbose 4>&1)
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $result = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $result.Status | Should -Be 'Done'
        $result.RowsCheckpointed | Should -Be 200
        ($verbose.Message -join "`n") | Should -Match '2 active node\(s\), 2 slot\(s\)'
        Assert-NoSecret $verbose 'the verbose lines show the connection string without its password'
        Assert-SameAsLocal $tables
        # Receipts name "<node>/<host:pid>": Get-GenevaJob's worker metrics are per node, and both nodes worked.
        $workers = @((Get-GenevaJob $t).Workers.Worker)
        foreach ($w in $workers) { $w | Should -Match '^pg-[12]/' }
        @($workers | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique) | Should -Be @('pg-1', 'pg-2')
    }

    It 'runs with -AsJob, the job''s command showing the connection string without its password' {
        $t = New-TestTable -Rows 40 -PerFragment 20
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName LoggedSleepyDouble) | Out-Null
        $job = Start-GenevaBackfill -Table $t -Column d -Cluster $cs -Concurrency 2 -AsJob
        try {
            $job.Command | Should -Match 'Password=\*\*\*'
            Assert-NoSecret @($job.Command) 'Get-Job shows the command'
            $job | Wait-Job -Timeout 120 | Out-Null
            $job.State | Should -Be 'Completed' -Because "$($job.JobStateInfo.Reason) $($job.Error | Out-String)"
            Assert-NoSecret (@($job.Verbose) + @($job.Warning) + @($job.Error)) 'the job''s streams show the connection string without its password'
            $data = @(Read-GenevaTable $t -Column id, d)
            @($data | Where-Object { $_.d -ne 2 * $_.id }).Count | Should -Be 0
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'Stop-GenevaCluster -Cluster with a connection string makes both joined nodes leave: their jobs end and no process is left' {
        $tree = @(Get-ProcessTree $joined.ProcessId)
        $tree.Count | Should -BeGreaterOrEqual 2
        $verbose = @(Stop-GenevaCluster -Cluster $cs -Timeout 30 -Verbose 4>&1)
        ($verbose.Message -join "`n") | Should -Match 'Asked node pg-1'
        ($verbose.Message -join "`n") | Should -Match 'Asked node pg-2'
        Assert-NoSecret $verbose 'the verbose lines show the connection string without its password'
        foreach ($job in $joinJobs) {
            $job | Wait-Job -Timeout 60 | Out-Null
            $job.State | Should -Be 'Completed' -Because "$($job.ChildJobs[0].JobStateInfo.Reason) $($job.ChildJobs[0].Error | Out-String)"
        }
        Wait-Until { @($tree | Where-Object { Test-Alive $_ }).Count -eq 0 } -Seconds 30
        { Get-GenevaCluster -Cluster $cs -Timeout 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.GetGenevaClusterCommand'
    }
}
