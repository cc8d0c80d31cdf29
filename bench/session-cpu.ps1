#Requires -Version 7.4
<#
.SYNOPSIS
    The session's own CPU per checkpoint while CPU-bound scriptblock workers compute: -Concurrency 1 and 2 on warm
    pooled workers, in one pwsh (run by hand; bench/README.md, start-up).
.DESCRIPTION
    Makes a table of -Rows rows (fragments of 25,000) with a column bound to a scriptblock that spins -Spin rounds a
    row, backfills it once to start the pool's workers (not counted), then -Repeat times each at -Concurrency 1 and 2
    on fresh copies, alternating, -CheckpointSize rows a task. Prints wall seconds, the session process's CPU seconds (user + system, from
    /proc/self/stat), its checkpoints and CPU per checkpoint, and the speed-up of 2 over 1.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/session-cpu.ps1 -Rows 40000 -Repeat 3
#>
[CmdletBinding()]
param(
    [int] $Rows = 40000,
    [int] $Spin = 300,
    [int] $Repeat = 3,
    # Rows per task and checkpoint: several tasks, so two workers have work each.
    [int] $CheckpointSize = 2000,
    [string] $Module = (Join-Path $PSScriptRoot '../module/Geneva.psd1'),
    [string] $Work = (Join-Path ([IO.Path]::GetTempPath()) "geneva-session-cpu-$([Environment]::UserName)"),
    [string] $Output
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction Ignore
New-Item -ItemType Directory -Path $Work | Out-Null

function Get-CpuSeconds {
    # utime + stime of this process, in clock ticks (100 a second on Linux).
    $f = (Get-Content -LiteralPath /proc/self/stat -Raw) -replace '^.*\) ', '' -split ' '
    ([long]$f[11] + [long]$f[12]) / 100.0
}

$template = Join-Path $Work 'template'
1..$Rows | ForEach-Object { [pscustomobject]@{ id = [long]$_ } } | New-GenevaTable -Path $template -MaxRowsPerFragment 25000 | Out-Null
$udf = New-GenevaUdf -Name spin -OutputType int64 -ScriptBlock ([scriptblock]::Create(@"
param(`$id)
`$x = `$id
for (`$i = 0; `$i -lt $Spin; `$i++) { `$x = (`$x * 31 + 7) % 1000003 }
`$x
"@))
Add-GenevaColumn -Table $template -Name spun -Udf $udf | Out-Null

function Invoke-Run([int] $Concurrency, [string] $Name) {
    $table = Join-Path $Work $Name
    & cp -a $template $table
    $cpu = Get-CpuSeconds
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $r = Start-GenevaBackfill -Table $table -Column spun -Concurrency $Concurrency -CheckpointSize $CheckpointSize
    $clock.Stop()
    $cpu = (Get-CpuSeconds) - $cpu
    if ($r.Status -ne 'Done' -or $r.RowsCheckpointed -ne $Rows) { throw "run $Name ended $($r.Status) with $($r.RowsCheckpointed) rows" }
    Remove-Item -LiteralPath $table -Recurse -Force
    [pscustomobject]@{ Concurrency = $Concurrency; Seconds = $clock.Elapsed.TotalSeconds; SessionCpu = $cpu; Checkpoints = $r.Checkpoints }
}

# Warm the pool (two workers) and the session's own code paths.
Invoke-Run 2 'warm' | Out-Null
$runs = for ($i = 1; $i -le $Repeat; $i++) {
    foreach ($c in ($i % 2 ? (1, 2) : (2, 1))) {
        $m = Invoke-Run $c "run-$c-$i"
        Write-Host ('-Concurrency {0} run {1}: {2:N2} s, session CPU {3:N3} s, {4} checkpoints, {5:N1} ms a checkpoint' -f $c, $i,
            $m.Seconds, $m.SessionCpu, $m.Checkpoints, (1000 * $m.SessionCpu / [math]::Max(1, $m.Checkpoints)))
        $m
    }
}
function Get-Median([double[]] $v) { $v = @($v | Sort-Object); $n = $v.Count; if ($n % 2) { $v[($n - 1) / 2] } else { ($v[$n / 2 - 1] + $v[$n / 2]) / 2 } }
$lines = @("Session CPU, $Rows rows, scriptblock spinning $Spin rounds a row, medians of $Repeat (bench/session-cpu.ps1); load average $((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3)",
    '', '| -Concurrency | seconds | session CPU s | checkpoints | session CPU ms a checkpoint | speed-up |', '|---:|---:|---:|---:|---:|---:|')
$one = Get-Median @($runs | Where-Object Concurrency -EQ 1 | ForEach-Object Seconds)
foreach ($c in 1, 2) {
    $g = @($runs | Where-Object Concurrency -EQ $c)
    $s = Get-Median @($g.Seconds); $cpu = Get-Median @($g.SessionCpu); $n = Get-Median @($g.Checkpoints)
    $lines += '| {0} | {1:N2} | {2:N3} | {3:N0} | {4:N1} | {5:N2}x |' -f $c, $s, $cpu, $n, (1000 * $cpu / [math]::Max(1, $n)), ($one / $s)
}
$lines | Write-Host
if ($Output) { $lines | Set-Content -LiteralPath $Output }
Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction Ignore
