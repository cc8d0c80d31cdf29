# The main job on a small embedded sample: make a table, bind computed columns to UDFs,
# look at the plan, run the backfill (checkpointed in SQLite), and read results back.
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../module/Geneva.psd1')

# A LanceDB database is a folder of NAME.lance datasets: lancedb.connect($db).openTable('sample') opens this one.
$db = Join-Path ([IO.Path]::GetTempPath()) "geneva-sample-$PID"
$table = Join-Path $db 'sample.lance'
if (Test-Path $db) { Remove-Item $db -Recurse -Force }

$sentences = @(
    'the quick brown fox jumps over the lazy dog'
    'Geneva fills computed columns in batches'
    'checkpoints make every backfill resumable'
    'naïve café résumé façade'
    'PowerShell pipelines pipe a plan into a job'
)
# 50,000 rows in fragments of 10,000 rows.
$rows = foreach ($i in 1..50000) { [pscustomobject]@{ id = $i; text = $sentences[$i % $sentences.Count] + " #$i" } }
$info = $rows | New-GenevaTable -Path $table -MaxRowsPerFragment 10000
"Created $($info.Path): $($info.RowCount) rows in $($info.FragmentCount) fragments ($($info.Schema))"

# A SQL-style expression UDF and a batched scriptblock UDF (each column arrives as an array).
$len = New-GenevaUdf -Name text_length -Expression 'length(text)' -OutputType int32
$words = New-GenevaUdf -Name word_count -OutputType int32 -Batch -ScriptBlock {
    param($text)
    foreach ($t in $text) { $t.Split(' ').Count }
}
Add-GenevaColumn -Table $table -Name text_length -Udf $len
Add-GenevaColumn -Table $table -Name words -Udf $words

$plan = Get-GenevaBackfillPlan -Table $table -Column text_length
"Plan: $($plan.TaskCount) tasks over $($plan.FragmentCount) fragments, $($plan.RowsToCompute) rows to compute"
$plan | Start-GenevaBackfill | Select-Object JobId, Status, RowsCheckpointed, Checkpoints, FragmentsCommitted | Format-Table

Start-GenevaBackfill -Table $table -Column words -Where 'id <= 25000' |
    Select-Object JobId, Status, RowsCheckpointed, UdfValuesComputed | Format-Table
"A second run without -Where computes only the rows still null:"
Start-GenevaBackfill -Table $table -Column words | Select-Object JobId, UdfValuesComputed | Format-Table

Read-GenevaTable -Table $table -Where 'id % 10000 = 3' | Format-Table id, text, text_length, words
Get-GenevaTableVersion -Table $table | Format-Table Version, Operation, Detail, RowCount

Remove-Item $db -Recurse -Force
