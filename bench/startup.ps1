#Requires -Version 7.4
<#
.SYNOPSIS
    Start-up of the first backfill in a fresh pwsh, against a bare `pwsh -NoProfile -c 1` in the same run.
.DESCRIPTION
    Each repetition, in alternating order: a bare pwsh start; a fresh pwsh that imports the module and backfills a
    1,000-row table with an expression UDF (`length(text)`); the same with a scriptblock UDF; with -Large, a fresh
    pwsh backfilling the 10M-row input of bench/Geneva.Bench (a hard-linked copy) and that benchmark's floor loop in
    a fresh process. Times come from one clock (Stopwatch, CLOCK_MONOTONIC, in every process): this script's before
    it starts the child, the child's own around Import-Module and Start-GenevaBackfill, and GENEVA_TRACE marks that
    the module and its workers write (StartupTrace; nothing is written with the variable unset).
    Prints per-run lines, then medians with the ratios to the bare start; -Output also writes them to a file.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/startup.ps1 -Repeat 5 -Large
#>
[CmdletBinding()]
param(
    [int] $Repeat = 5,
    # Also the 10M-row expression backfill against the floor loop (needs bench/Geneva.Bench built in Release).
    [switch] $Large,
    [string] $Work = (Join-Path ([IO.Path]::GetTempPath()) "geneva-startup-$([Environment]::UserName)"),
    # One module, or several to compare in the same run (their backfills alternate within each repetition).
    [string[]] $Module = @(Join-Path $PSScriptRoot '../module/Geneva.psd1'),
    # NAME=VALUE set in the child sessions (so in their workers), for experiments.
    [string[]] $SessionEnv = @(),
    [string] $Output
)
$ErrorActionPreference = 'Stop'
$Module = @($Module | ForEach-Object { $_ -split "," } | ForEach-Object { (Resolve-Path -LiteralPath $_).Path })
# A label per module: its folder's name, when more than one is compared.
$label = @{}
foreach ($m in $Module) { $label[$m] = if ($Module.Count -gt 1) { ' ' + (Split-Path (Split-Path $m) -Leaf) } else { '' } }
$first = $Module[0]
$frequency = [double][Diagnostics.Stopwatch]::Frequency
New-Item -ItemType Directory -Force -Path $Work | Out-Null

# The same pwsh this script runs on (`dotnet pwsh.dll` when pwsh is a dotnet tool).
$processPath = (Get-Process -Id $PID).Path
$pwsh = if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') { @($processPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @($processPath) }

function Invoke-Child {
    param([string] $Command, [hashtable] $Environment = @{})
    $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) { $info.ArgumentList.Add($a) }
    foreach ($e in $SessionEnv) { $n, $v = $e -split '=', 2; $info.Environment[$n] = $v }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $p = [Diagnostics.Process]::Start($info)
    $stderr = $p.StandardError.ReadToEndAsync()
    $out = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    $end = [Diagnostics.Stopwatch]::GetTimestamp()
    if ($p.ExitCode -ne 0) { throw "child pwsh failed ($($p.ExitCode)): $out $($stderr.Result)" }
    [pscustomobject]@{ T0 = $t0; End = $end; Out = $out; Seconds = ($end - $t0) / $frequency }
}

# Tables: made once by a child pwsh, copied for each run.
$template = @{ Expression = Join-Path $Work 'template-expr'; ScriptBlock = Join-Path $Work 'template-sb' }
if (-not (Test-Path (Join-Path $template.ScriptBlock '_versions'))) {
    Remove-Item $template.Expression, $template.ScriptBlock -Recurse -Force -ErrorAction Ignore
    Invoke-Child -Command @"
Import-Module '$first'
`$rows = 1..1000 | ForEach-Object { [pscustomobject]@{ id = [long]`$_; text = "row `$_ of the start-up table" } }
`$rows | New-GenevaTable -Path '$($template.Expression)' | Out-Null
`$rows | New-GenevaTable -Path '$($template.ScriptBlock)' | Out-Null
Add-GenevaColumn -Table '$($template.Expression)' -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null
Add-GenevaColumn -Table '$($template.ScriptBlock)' -Name tlen -Udf (New-GenevaUdf -Name tlen -OutputType int32 -ScriptBlock { param(`$text) `$text.Length }) | Out-Null
"@ | Out-Null
}

$benchDll = Join-Path $PSScriptRoot 'Geneva.Bench/bin/Release/net10.0/Geneva.Bench.dll'
$largeInput = Join-Path $Work 'input-10000000.lance'
$largeTemplate = Join-Path $Work 'template-10m'
if ($Large) {
    if (-not (Test-Path $benchDll)) { throw "Build the benchmark first: dotnet build -c Release bench/Geneva.Bench" }
    if (-not (Test-Path $largeInput)) {
        # The input of bench/Geneva.Bench: built by its own child, so it is the same table.
        & dotnet $benchDll --child build --dir $largeInput --rows 10M | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'building the 10M input failed' }
    }
    if (-not (Test-Path (Join-Path $largeTemplate '_versions'))) {
        # The column is added once (new manifest files only), so each run copies a table ready to backfill.
        Remove-Item -LiteralPath $largeTemplate -Recurse -Force -ErrorAction Ignore
        & cp -al $largeInput $largeTemplate
        Invoke-Child -Command "Import-Module '$first'; Add-GenevaColumn -Table '$largeTemplate' -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null" | Out-Null
    }
}

function Copy-Table([string] $From, [string] $To) {
    Remove-Item -LiteralPath $To -Recurse -Force -ErrorAction Ignore
    # Hard links: every run reads the same bytes; the backfill only adds files.
    & cp -al $From $To
    if ($LASTEXITCODE -ne 0) { throw "cp -al $From $To failed" }
}

# One backfill in a fresh pwsh: its own timestamps and the trace marks of it and its workers.
function Measure-Backfill([string] $Kind, [string] $Table, [string] $Module) {
    $trace = Join-Path $Work "trace-$($Kind -replace ' ', '-').txt"
    Remove-Item -LiteralPath $trace -ErrorAction Ignore
    $r = Invoke-Child -Environment @{ GENEVA_TRACE = $trace } -Command @"
`$t1 = [Diagnostics.Stopwatch]::GetTimestamp()
Import-Module '$Module'
`$t2 = [Diagnostics.Stopwatch]::GetTimestamp()
`$r = Start-GenevaBackfill -Table '$Table' -Column tlen
`$t3 = [Diagnostics.Stopwatch]::GetTimestamp()
# Checked after the clock stops: every value (1,000 rows), or every row checkpointed (10M rows: the bench's floor checks its sums).
`$bad = if (`$r.RowsPlanned -gt 100000) { `$r.RowsPlanned - `$r.RowsCheckpointed } else { @(Read-GenevaTable '$Table' -Column text, tlen | Where-Object { `$_.tlen -ne `$_.text.Length }).Count }
"T `$t1 `$t2 `$t3 `$PID `$(`$r.Status) `$bad"
"@
    $line = ($r.Out -split "`n" | Where-Object { $_ -like 'T *' } | Select-Object -Last 1).Trim() -split ' '
    if ($line[5] -ne 'Done' -or $line[6] -ne '0') { throw "$Kind backfill: status $($line[5]), $($line[6]) wrong values" }
    $t1, $t2, $t3, $session = [long]$line[1], [long]$line[2], [long]$line[3], [int]$line[4]
    # A line two processes appended at the same moment can be torn: such a mark is left out (NaN in that run).
    $marks = @(Get-Content -LiteralPath $trace -ErrorAction Ignore | Where-Object { $_ -match '^\d+ \d+ \S+ [\d.]+ \d+$' } | ForEach-Object {
        $f = $_ -split ' '
        [pscustomobject]@{ T = [long]$f[0]; Pid = [int]$f[1]; Mark = $f[2]; Jit = [double]$f[3] }
    })
    $s = { param($m) ($marks | Where-Object { $_.Pid -eq $session -and $_.Mark -eq $m } | Select-Object -First 1) }
    $spawn = $marks | Where-Object { $_.Pid -eq $session -and $_.Mark -like 'session:worker-spawned:*' } | Select-Object -First 1
    $workerPid = if ($spawn) { [int]($spawn.Mark -split ':')[-1] } else { 0 }
    $w = { param($m) ($marks | Where-Object { $_.Pid -eq $workerPid -and $_.Mark -eq $m } | Select-Object -First 1) }
    $sec = { param($a, $b) if ($a -and $b) { ($b - $a) / $frequency } else { [double]::NaN } }
    $call, $start, $sqlite, $planned, $first, $done = 'session:call', 'session:start', 'session:sqlite-open', 'session:planned',
        'session:first-checkpoint', 'session:done' | ForEach-Object { & $s $_ }
    $wMain, $wReady, $wReceipt = 'worker:main', 'worker:instance-ready', 'worker:first-receipt' | ForEach-Object { & $w $_ }
    [pscustomobject]@{
        Kind = $Kind
        PwshStart = & $sec $r.T0 $t1           # process start to the first statement of -Command
        Import = & $sec $t1 $t2
        Call = & $sec $t2 $t3
        Total = & $sec $r.T0 $t3
        TableOpen = & $sec $call.T $start.T    # the cmdlet to the engine: GenevaTable.Open
        SqliteOpen = & $sec $start.T $sqlite.T # prestart of the workers, then CheckpointStore.Open
        Plan = & $sec $sqlite.T $planned.T     # lease and plan
        FirstCheckpoint = & $sec $planned.T $first.T
        Rest = & $sec $first.T $done.T         # the rest of the tasks, commit
        WorkerSpawnToMain = & $sec $spawn.T $wMain.T
        WorkerMainToReady = & $sec $wMain.T $wReady.T
        WorkerReadyToReceipt = & $sec $wReady.T $wReceipt.T
        WorkerSpawnToReceipt = & $sec $spawn.T $wReceipt.T
        SessionJitMs = if ($done) { $done.Jit } else { [double]::NaN }
        SessionJitMsInCall = if ($done -and $call) { $done.Jit - $call.Jit } else { [double]::NaN }
        WorkerJitMs = if ($wReceipt) { $wReceipt.Jit } else { [double]::NaN }
    }
}

function Measure-Floor([string] $Table) {
    $t0 = [Diagnostics.Stopwatch]::GetTimestamp()
    $out = & dotnet $benchDll --child floor --dir $Table --t0 $t0
    if ($LASTEXITCODE -ne 0) { throw 'floor child failed' }
    $m = (($out | Where-Object { $_ -like 'RESULT *' }) -replace '^RESULT ', '') | ConvertFrom-Json
    if (-not $m.Verified) { throw "floor did not verify: $($m.Note)" }
    [pscustomobject]@{ Kind = 'Floor'; Total = $m.FirstFromProcessStart; Loop = $m.Passes[0].Seconds; Warm = $m.Passes[1].Seconds }
}

$runs = [Collections.Generic.List[object]]::new()
for ($rep = 1; $rep -le $Repeat; $rep++) {
    # Steps as data (kind, module, template), run by one switch: alternated order per repetition.
    $steps = [Collections.Generic.List[object]]::new()
    $steps.Add(@{ Kind = 'Bare' })
    foreach ($m in $Module) {
        $steps.Add(@{ Kind = "Expression$($label[$m])"; Module = $m; From = $template.Expression })
        $steps.Add(@{ Kind = "ScriptBlock$($label[$m])"; Module = $m; From = $template.ScriptBlock })
        if ($Large) { $steps.Add(@{ Kind = "Expression10M$($label[$m])"; Module = $m; From = $largeTemplate }) }
    }
    if ($Large) { $steps.Add(@{ Kind = 'Floor'; From = $largeInput }) }
    $order = if ($rep % 2) { $steps } else { @($steps)[($steps.Count - 1)..0] }
    foreach ($step in $order) {
        $table = Join-Path $Work 'run-table'
        if ($step.From) { Copy-Table $step.From $table }
        $m = switch ($step.Kind) {
            'Bare' { [pscustomobject]@{ Kind = 'Bare'; Total = (Invoke-Child -Command '1').Seconds } }
            'Floor' { Measure-Floor $table }
            default { Measure-Backfill $step.Kind $table $step.Module }
        }
        $m | Add-Member -NotePropertyName Rep -NotePropertyValue $rep
        $runs.Add($m)
        '{0} run {1}: {2}' -f $m.Kind, $rep, (($m.PSObject.Properties | Where-Object { $_.Value -is [double] } |
            ForEach-Object { '{0} {1:N3}' -f $_.Name, $_.Value }) -join ', ') | Write-Host
    }
}
Remove-Item (Join-Path $Work 'run-*') -Recurse -Force -ErrorAction Ignore

function Get-Median([double[]] $Values) {
    $v = @($Values | Where-Object { -not [double]::IsNaN($_) } | Sort-Object)
    if ($v.Count -eq 0) { return [double]::NaN }
    if ($v.Count % 2) { return $v[[math]::Floor($v.Count / 2)] }
    return ($v[$v.Count / 2 - 1] + $v[$v.Count / 2]) / 2
}
$median = @{}
foreach ($group in $runs | Group-Object Kind) {
    $row = [ordered]@{}
    foreach ($p in $group.Group[0].PSObject.Properties | Where-Object { $_.Value -is [double] }) {
        $row[$p.Name] = Get-Median @($group.Group | ForEach-Object { $_.($p.Name) })
    }
    $median[$group.Name] = [pscustomobject]$row
}

$bare = $median['Bare'].Total
$kinds = @($median.Keys | Where-Object { $_ -notin 'Bare', 'Floor' } | Sort-Object)
$lines = [Collections.Generic.List[string]]::new()
$lines.Add("Start-up, medians of $Repeat (bench/startup.ps1$(if ($Large) { ' -Large' })); $([Environment]::ProcessorCount) cores, load average $((Get-Content /proc/loadavg -ErrorAction Ignore) -split ' ' | Select-Object -First 3)")
$lines.Add("Modules: $(@($Module | ForEach-Object { "$($label[$_].Trim()) $_".Trim() }) -join '; ')$(if ($SessionEnv) { "; SessionEnv: $SessionEnv" })")
$lines.Add('')
$lines.Add('| first backfill in a fresh pwsh | bare pwsh -c 1 | pwsh start | Import-Module | Start-GenevaBackfill call | import + call | call / bare | (import + call) / bare |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|')
foreach ($k in $kinds) {
    $m = $median[$k]
    $lines.Add(('| {0} | {1:N3} | {2:N3} | {3:N3} | {4:N3} | {5:N3} | **{6:N2}x** | {7:N2}x |' -f $k, $bare, $m.PwshStart, $m.Import, $m.Call,
        ($m.Import + $m.Call), ($m.Call / $bare), (($m.Import + $m.Call) / $bare)))
}
$lines.Add('')
$lines.Add('Inside the call (seconds; session marks, then its first worker''s):')
$lines.Add('')
$lines.Add('| backfill | table open | workers start + SQLite open | lease + plan | to first checkpoint | rest + commit | worker: process start | worker: instance ready | worker: first task | session JIT ms (in call) | worker JIT ms |')
$lines.Add('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
foreach ($k in $kinds) {
    $m = $median[$k]
    $lines.Add(('| {0} | {1:N3} | {2:N3} | {3:N3} | {4:N3} | {5:N3} | {6:N3} | {7:N3} | {8:N3} | {9:N0} ({10:N0}) | {11:N0} |' -f $k, $m.TableOpen, $m.SqliteOpen,
        $m.Plan, $m.FirstCheckpoint, $m.Rest, $m.WorkerSpawnToMain, $m.WorkerMainToReady, $m.WorkerReadyToReceipt, $m.SessionJitMs,
        $m.SessionJitMsInCall, $m.WorkerJitMs))
}
if ($median['Floor']) {
    $f = $median['Floor']
    $lines.Add('')
    $lines.Add(('10M rows: floor loop {0:N3} s from its process start ({1:N3} loop, {2:N3} warm)' -f $f.Total, $f.Loop, $f.Warm))
    foreach ($k in $kinds | Where-Object { $_ -like 'Expression10M*' }) {
        $l = $median[$k]
        $lines.Add(('{0}: the backfill call {1:N3} s = **{2:N2}x** the floor from start ({3:N2}x its loop); import + call {4:N3} s = {5:N2}x' -f
            $k, $l.Call, ($l.Call / $f.Total), ($l.Call / $f.Loop), ($l.Import + $l.Call), (($l.Import + $l.Call) / $f.Total)))
    }
}
$lines | Write-Host
if ($Output) { $lines | Set-Content -LiteralPath $Output }
