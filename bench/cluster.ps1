# Cluster benchmark (issue 13), by hand, on loopback: a sleep-bound UDF (SleepyDouble, -SleepMs a row) on a cluster of
# 3 nodes x 2 slots started with Start-GenevaCluster, and the same UDF on local workers, in one run.
#   dotnet build tests/Geneva.TestUdfs -c Release -o out/testudfs      # once
#   dotnet pwsh -NoProfile -File bench/cluster.ps1 [-SleepMs 20] [-RowsPerSlot 300] [-Repeat 3] [-SlotCounts 1,2,4,6]
# 1. Throughput with 1, 2, 4 and 6 slots (-Concurrency) spread over the 3 nodes, as a ratio of linear: rows/s at K
#    slots over K x rows/s at 1 slot. Rows grow with K (RowsPerSlot x K), so each run lasts about as long.
# 2. Overhead per task and per receipt against local workers: the same rows at 2 slots, once with one receipt per task
#    (CheckpointSize = Min = Max) and once with five (Min = Max = CheckpointSize / 5); the extra time of the cluster
#    over local workers solved for a cost per task and a cost per receipt.
# 3. Time to detect a dead node: kill -9 a node (not the seed) mid-job on 6 slots; time from the kill to the
#    dispatcher's "left the cluster" notice, to its first "Re-sending" notice, and to the job's end.
# Times are read on the job's own streams (-AsJob, polled every 10 ms): a run's rate counts from the dispatcher's
# (or local worker's) hello to the job's end, so the per-job start of the dispatcher silo is reported apart.
param(
    [int] $SleepMs = 20,
    [int] $RowsPerSlot = 300,
    [int] $CheckpointSize = 25,
    [int] $Repeat = 3,
    # Comma-separated, so it passes through pwsh -File too.
    [string] $SlotCounts = '1,2,4,6'
)
$ErrorActionPreference = 'Stop'
$slots = @($SlotCounts -split ',' | ForEach-Object { [int] $_ })
$repo = Join-Path $PSScriptRoot '..'
Import-Module (Join-Path $repo 'module/Geneva.psd1') -Force
$udfs = Join-Path $repo 'out/testudfs/Geneva.TestUdfs.dll'
if (-not (Test-Path $udfs)) { throw "Build the test UDFs first: dotnet build tests/Geneva.TestUdfs -c Release -o out/testudfs" }
# Worker processes (local ones, and the nodes' slot workers) inherit it from this session.
$env:GENEVA_TEST_SLEEP_MS = "$SleepMs"
$work = Join-Path ([IO.Path]::GetTempPath()) "geneva-cluster-bench-$PID"
New-Item -ItemType Directory -Path $work | Out-Null

function New-BenchTable([int] $Rows) {
    $path = Join-Path $work "t$(Get-Random).lance"
    1..$Rows | ForEach-Object { [pscustomobject]@{ id = [long] $_; text = "row $_" } } |
        New-GenevaTable -Path $path -MaxRowsPerFragment 300 | Out-Null
    Add-GenevaColumn -Table $path -Name d -Udf (New-GenevaUdf -AssemblyPath $udfs -TypeName SleepyDouble) | Out-Null
    $path
}

# Runs one backfill as a job and times it from its own streams: started, first hello (a worker says it started
# or is reused), each notice matching $Watch (first time after $Mark), end. $OnTick runs while it waits.
function Invoke-TimedBackfill {
    param([string] $Table, [int] $Concurrency, [int] $Size, [int] $ReceiptSize, $Cluster, [scriptblock] $OnTick,
        [string[]] $Watch = @())
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $common = @{ Table = $Table; Column = 'd'; Concurrency = $Concurrency; CheckpointSize = $Size
        MinCheckpointSize = $ReceiptSize; MaxCheckpointSize = $ReceiptSize; AsJob = $true; WarningAction = 'SilentlyContinue' }
    $job = if ($Cluster) { Start-GenevaBackfill @common -Cluster $Cluster } else { Start-GenevaBackfill @common }
    $seen = 0; $hello = $null; $hits = @{}; $state = @{ Clock = $clock }
    while ($true) {
        $done = $job.State -in 'Completed', 'Failed', 'Stopped'
        $verbose = $job.Verbose
        for (; $seen -lt $verbose.Count; $seen++) {
            $text = $verbose[$seen].Message
            if (-not $hello -and $text -match 'started with \d+ UDF instance|Reusing idle worker') { $hello = $clock.Elapsed.TotalSeconds }
            foreach ($pattern in $Watch) {
                if (-not $hits.ContainsKey($pattern) -and $text -match $pattern -and $state.Mark) { $hits[$pattern] = $clock.Elapsed.TotalSeconds }
            }
        }
        if ($done) { break }
        if ($OnTick) { & $OnTick $state $job }
        Start-Sleep -Milliseconds 10
    }
    $end = $clock.Elapsed.TotalSeconds
    $result = $job | Receive-Job
    $job | Remove-Job -Force
    if ($result.Status -ne 'Done') { throw "The backfill of $Table ended $($result.Status)." }
    $wrong = @(Read-GenevaTable $Table -Column id, d | Where-Object { $_.d -ne 2 * $_.id }).Count
    if ($wrong) { throw "$wrong wrong values in $Table." }
    $workers = @((Get-GenevaJob $Table).Workers)
    [pscustomobject]@{
        Rows = [int] $result.RowsCheckpointed; Hello = $hello; End = $end; Steady = $end - $hello
        Mark = $state.Mark; Hits = $hits; Workers = $workers
        Receipts = ($workers | Measure-Object -Property Checkpoints -Sum).Sum
    }
}

function Median([double[]] $Values) { $s = @($Values | Sort-Object); if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

$cluster = $null
try {
    "Cluster benchmark $(Get-Date -Format u), $([Environment]::ProcessorCount) cores, load $((Get-Content /proc/loadavg -ErrorAction Ignore) -split ' ' | Select-Object -First 3)"
    "UDF: SleepyDouble, $SleepMs ms a row (ideal {0:N1} rows/s a slot); checkpoints of $CheckpointSize rows; median of $Repeat" -f (1000 / $SleepMs)
    $formed = [Diagnostics.Stopwatch]::StartNew()
    $cluster = Start-GenevaCluster -Workers 3 -Slots 2 -Timeout 120
    'Cluster: 3 nodes x 2 slots formed in {0:N1} s ({1})' -f $formed.Elapsed.TotalSeconds, (($cluster.Workers | ForEach-Object { "$($_.Name) pid $($_.ProcessId)" }) -join ', ')

    # Warm-up: the nodes' slot workers and the session's local pool start once, outside every measurement.
    $warm = New-BenchTable -Rows (12 * $CheckpointSize)
    Invoke-TimedBackfill -Table $warm -Concurrency 6 -Size $CheckpointSize -ReceiptSize $CheckpointSize -Cluster $cluster | Out-Null
    $warm = New-BenchTable -Rows (12 * $CheckpointSize)
    Invoke-TimedBackfill -Table $warm -Concurrency 2 -Size $CheckpointSize -ReceiptSize $CheckpointSize | Out-Null

    ''
    '## 1. Throughput on the cluster (rows/s from the dispatcher''s hello to the job''s end)'
    $base = $null
    foreach ($k in $slots) {
        $runs = foreach ($r in 1..$Repeat) {
            $t = New-BenchTable -Rows ($RowsPerSlot * $k)
            Invoke-TimedBackfill -Table $t -Concurrency $k -Size $CheckpointSize -ReceiptSize $CheckpointSize -Cluster $cluster
        }
        $rate = Median @($runs | ForEach-Object { $_.Rows / $_.Steady })
        $start = Median @($runs | ForEach-Object { $_.Hello })
        $total = Median @($runs | ForEach-Object { $_.Rows / $_.End })
        if ($k -eq $slots[0]) { $base = $rate / $k }
        $nodes = ($runs[-1].Workers | Group-Object { ($_.Worker -split '/')[0] } | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', '
        '{0} slot(s): {1,7:N1} rows/s steady, ratio of linear {2:N3} (of ideal {3:N3}); {4,7:N1} rows/s with the dispatcher''s start ({5:N2} s); workers: {6}' -f `
            $k, $rate, ($rate / ($k * $base)), ($rate / ($k * 1000 / $SleepMs)), $total, $start, $nodes
    }

    ''
    '## 2. Overhead against local workers (2 slots, same UDF, same rows)'
    $rows = 24 * $CheckpointSize
    $tasks = $rows / $CheckpointSize
    $fine = [math]::Max(1, [int]($CheckpointSize / 5))
    $delta = @{}
    foreach ($receiptSize in $CheckpointSize, $fine) {
        $local = Median @(foreach ($r in 1..$Repeat) { (Invoke-TimedBackfill -Table (New-BenchTable -Rows $rows) -Concurrency 2 -Size $CheckpointSize -ReceiptSize $receiptSize).Steady })
        $runs = @(foreach ($r in 1..$Repeat) { Invoke-TimedBackfill -Table (New-BenchTable -Rows $rows) -Concurrency 2 -Size $CheckpointSize -ReceiptSize $receiptSize -Cluster $cluster })
        $onCluster = Median @($runs | ForEach-Object Steady)
        $receipts = $runs[-1].Receipts
        $delta[$receiptSize] = @{ Seconds = $onCluster - $local; Receipts = $receipts }
        '{0} rows, {1} tasks, {2} receipts: local {3:N3} s, cluster {4:N3} s (ratio {5:N3}; +{6:N1} ms a task, +{7:N1} ms a receipt if all were theirs); dispatcher start {8:N2} s' -f `
            $rows, $tasks, $receipts, $local, $onCluster, ($onCluster / $local), (1000 * ($onCluster - $local) / $tasks), (1000 * ($onCluster - $local) / $receipts), (Median @($runs | ForEach-Object Hello))
    }
    $a = $delta[$CheckpointSize]; $b = $delta[$fine]
    if ($b.Receipts -ne $a.Receipts) {
        $perReceipt = ($b.Seconds - $a.Seconds) / ($b.Receipts - $a.Receipts)
        $perTask = ($a.Seconds - $perReceipt * $a.Receipts) / $tasks
        'Solved: {0:N1} ms a task, {1:N1} ms a receipt (cluster over local, at 2 slots)' -f (1000 * $perTask), (1000 * $perReceipt)
    }

    ''
    '## 3. A node killed (kill -9) mid-job, 6 slots'
    $victim = $cluster.Workers | Select-Object -Last 1
    $rows = 2 * $RowsPerSlot * 6
    $reference = Invoke-TimedBackfill -Table (New-BenchTable -Rows $rows) -Concurrency 6 -Size $CheckpointSize -ReceiptSize $CheckpointSize -Cluster $cluster
    $kill = {
        param($state, $job)
        if (-not $state.Mark -and $state.Clock.Elapsed.TotalSeconds -gt ($reference.Hello + $reference.Steady / 3)) {
            Stop-Process -Id $victim.ProcessId -Force      # SIGKILL on Unix
            $state.Mark = $state.Clock.Elapsed.TotalSeconds
        }
    }
    $run = Invoke-TimedBackfill -Table (New-BenchTable -Rows $rows) -Concurrency 6 -Size $CheckpointSize -ReceiptSize $CheckpointSize -Cluster $cluster `
        -OnTick $kill -Watch 'left the cluster', 'Re-sending'
    $status = (Get-GenevaCluster $cluster | Where-Object Name -eq $victim.Name).Status
    'Killed {0} (pid {1}) {2:N2} s into a {3}-row job (the same job unharmed: {4:N2} s)' -f $victim.Name, $victim.ProcessId, $run.Mark, $rows, $reference.End
    '  kill -> "left the cluster" notice: {0}' -f $(if ($run.Hits['left the cluster']) { '{0:N3} s' -f ($run.Hits['left the cluster'] - $run.Mark) } else { 'none' })
    '  kill -> first "Re-sending" notice: {0}' -f $(if ($run.Hits['Re-sending']) { '{0:N3} s' -f ($run.Hits['Re-sending'] - $run.Mark) } else { 'none' })
    '  kill -> job end: {0:N2} s (job {1:N2} s in all, +{2:N2} s over the unharmed one); every value right; {3} is {4} in Get-GenevaCluster' -f `
        ($run.End - $run.Mark), $run.End, ($run.End - $reference.End), $victim.Name, $status
}
finally {
    if ($cluster) { Stop-GenevaCluster $cluster -Timeout 30 -WarningAction SilentlyContinue -ErrorAction Continue }
    Remove-Item Env:GENEVA_TEST_SLEEP_MS -ErrorAction Ignore
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
