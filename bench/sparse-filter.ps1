# Issue 9 item 1: a sparse filter over two 5,000-row fragments; prints checkpoints, files, manifest size and times.
# Run by hand after ./build.ps1: dotnet pwsh -NoProfile -File bench/sparse-filter.ps1
Set-Location (Split-Path $PSScriptRoot)
Import-Module ./module/Geneva.psd1
$t = Join-Path ([IO.Path]::GetTempPath()) "planner-sparse-$PID"
0..9999 | ForEach-Object { [pscustomobject]@{ id = [long]$_ } } | New-GenevaTable -Path $t -MaxRowsPerFragment 5000 | Out-Null
Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
$sw = [Diagnostics.Stopwatch]::StartNew()
$r = Start-GenevaBackfill -Table $t -Column c -Where 'id >= 4990 and id <= 5010'
"filtered run: $($sw.Elapsed.TotalSeconds) s, checkpoints $($r.Checkpoints), computed $($r.UdfValuesComputed), files in data/ck: $((Get-ChildItem -Recurse -File (Join-Path $t data/ck)).Count)"
$m = Get-ChildItem (Join-Path $t _versions) | Sort-Object Name | Select-Object -Last 1
"latest manifest: $($m.Name) $($m.Length) bytes"
$sw.Restart()
$r2 = Start-GenevaBackfill -Table $t -Column c
"plain run after: $($sw.Elapsed.TotalSeconds) s, checkpoints $($r2.Checkpoints), computed $($r2.UdfValuesComputed), version $($r2.TableVersion)"
$r3 = Start-GenevaBackfill -Table $t -Column c
"third run: computed $($r3.UdfValuesComputed), committed $($r3.FragmentsCommitted), version $($r3.TableVersion)"
Remove-Item -Recurse -Force $t
