# Worker pool, by hand: three backfills of a cheap expression UDF in one pwsh session; the first
# starts a Geneva.Worker, the next two run on it while it idles in the session's pool.
#   dotnet pwsh -NoProfile -File bench/pool.ps1 [-Rows 200000]
param([int] $Rows = 200000)
Import-Module (Join-Path $PSScriptRoot '../module/Geneva.psd1')
$work = Join-Path ([IO.Path]::GetTempPath()) "geneva-pool-bench-$PID"
try {
    foreach ($n in 'a', 'b', 'c') {
        1..$Rows | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" } } | New-GenevaTable -Path (Join-Path $work $n) | Out-Null
        Add-GenevaColumn -Table (Join-Path $work $n) -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null
    }
    foreach ($n in 'a', 'b', 'c') {
        $table = Join-Path $work $n
        $seconds = (Measure-Command { Start-GenevaBackfill -Table $table -Column tlen -Concurrency 1 | Out-Null }).TotalSeconds
        $worker = (Get-GenevaJob $table).Workers.Worker
        $wrong = @(Read-GenevaTable $table -Column text, tlen | Where-Object { $_.tlen -ne $_.text.Length }).Count
        '{0}: {1:N3} s on worker {2}, {3} wrong values' -f $n, $seconds, $worker, $wrong
    }
}
finally { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore }
