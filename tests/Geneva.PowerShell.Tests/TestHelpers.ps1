# Dot-sourced by every test file's BeforeAll: imports the built module and defines helpers.
Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -Force
$script:TestUdfs = Join-Path $PSScriptRoot '../../out/testudfs/Geneva.TestUdfs.dll'

# A table of $Rows rows (id 1..N, text) in fragments of $PerFragment rows.
function New-TestTable {
    param([int] $Rows = 100, [int] $PerFragment = 50, [string] $Name = "t$(Get-Random).lance")
    $path = Join-Path $TestDrive $Name
    1..$Rows | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" + ('x' * ($_ % 7)) } } |
        New-GenevaTable -Path $path -MaxRowsPerFragment $PerFragment | Out-Null
    $path
}

# The command line that starts this same pwsh (as a local dotnet tool it is 'dotnet pwsh.dll').
function Get-PwshCommand {
    $exe = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { , @($exe, (Join-Path $PSHOME 'pwsh.dll')) } else { , @($exe) }
}

# Starts a script in a separate pwsh process and returns the Process (not waited for).
function Start-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script)
    $file = Join-Path $TestDrive "child-$(Get-Random).ps1"
    Set-Content -LiteralPath $file -Value $Script
    $cmd = Get-PwshCommand
    $info = [Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in @($cmd | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    [Diagnostics.Process]::Start($info)
}

# Polls a condition (what a job shows from another session, say) until it holds or the time runs out.
function Wait-Until {
    param([scriptblock] $Condition, [int] $Seconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for: $Condition" }
        Start-Sleep -Milliseconds 100
    }
}

# Running (a zombie, dead but not yet reaped, is not). Linux: from /proc, like the cluster tests that use it.
function Test-Alive([int] $Id) {
    $state = (Get-Content -LiteralPath "/proc/$Id/stat" -Raw -ErrorAction Ignore) -replace '^.*\)\s+(\S).*$', '$1'
    $state -and $state.Trim() -ne 'Z'
}

# The running processes among these and all their descendants (one `ps` call: fast enough to kill a tree mid-job).
function Get-ProcessTree([int[]] $Roots) {
    $children = @{}
    foreach ($line in & ps -e -o 'pid=,ppid=') {
        $pidText, $ppidText = -split $line
        $children[[int] $ppidText] += @([int] $pidText)
    }
    $seen = [System.Collections.Generic.HashSet[int]]::new()
    $queue = [System.Collections.Generic.Queue[int]]::new()
    foreach ($r in $Roots) { if (Test-Alive $r) { $queue.Enqueue($r) } }
    while ($queue.Count -gt 0) {
        $p = $queue.Dequeue()
        if ($seen.Add($p)) { foreach ($c in @($children[$p])) { if ($c) { $queue.Enqueue($c) } } }
    }
    @($seen | Where-Object { Test-Alive $_ })
}

# kill -9 a process and everything it started (a lost machine).
function Stop-Tree([int] $Id) {
    $tree = @(Get-ProcessTree $Id)
    if ($tree) { & kill -9 @tree 2>$null }
}

# A TCP port on loopback that nothing listens on now.
function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# A table with a scriptblock column 's' to backfill on a cluster, and a copy of it backfilled locally to compare with.
function New-ClusterComparisonTables {
    $t = New-TestTable -Rows 200 -PerFragment 50
    $sb = { param($text) "$($text.Length):$text" }
    Add-GenevaColumn -Table $t -Name s -Udf (New-GenevaUdf -Name s -OutputType utf8 -ScriptBlock $sb) | Out-Null
    $local = Join-Path $TestDrive "local-$(Get-Random).lance"
    Copy-Item -Recurse $t $local
    Start-GenevaBackfill -Table $local -Column s | Out-Null
    [pscustomobject]@{ Table = $t; Local = $local }
}

# The cluster's run wrote what the local run did.
function Assert-SameAsLocal($Tables) {
    $onCluster = @(Read-GenevaTable $Tables.Table -Column id, s)
    $onLocal = @(Read-GenevaTable $Tables.Local -Column id, s)
    ($onCluster | ConvertTo-Json -Compress) | Should -Be ($onLocal | ConvertTo-Json -Compress)
}
