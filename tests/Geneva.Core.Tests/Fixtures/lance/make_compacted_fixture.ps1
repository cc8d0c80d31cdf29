# Makes compacted.lance (see README): our table, backfilled, then compacted by LanceDB with its old versions kept.
#   dotnet pwsh -NoProfile -File make_compacted_fixture.ps1 /tmp/cmpdb      (after ./build.ps1 -Task Build)
#   then, from tests/interop (LanceDB's node_modules): node ../Geneva.Core.Tests/Fixtures/lance/compact_fixture.mjs /tmp/cmpdb compacted
param([Parameter(Mandatory)] [string] $Db)
Import-Module (Join-Path $PSScriptRoot ../../../../module/Geneva.psd1)
Remove-Item -Recurse -Force $Db -ErrorAction Ignore
New-Item -ItemType Directory $Db | Out-Null
$t = "$Db/compacted.lance"
0..39 | ForEach-Object { [pscustomobject]@{ id = [long]$_; text = "row $_" + ('x' * ($_ % 7)) } } | New-GenevaTable -Path $t | Out-Null
40..59 | ForEach-Object { [pscustomobject]@{ id = [long]$_; text = "row $_" + ('x' * ($_ % 7)) } } | Add-GenevaRow -Table $t
Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
Start-GenevaBackfill -Table $t -Column tlen | Out-Null
Remove-Item -Recurse -Force "$t/_geneva"
