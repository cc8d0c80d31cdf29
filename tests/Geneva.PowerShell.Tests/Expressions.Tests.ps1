BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'CASE expressions' {
    It 'backfills a CASE expression UDF, with a CASE -Where filter, and keeps other rows null' {
        $t = New-TestTable -Rows 100 -PerFragment 40
        $udf = New-GenevaUdf -Name size -OutputType utf8 -Expression @'
CASE WHEN id % 15 = 0 THEN 'fizzbuzz' WHEN id % 5 = 0 THEN 'buzz' WHEN id % 3 = 0 THEN 'fizz' END
'@
        $udf.InputColumns | Should -Be @('id')
        Add-GenevaColumn -Table $t -Name size -Udf $udf
        $r = Start-GenevaBackfill -Table $t -Column size -Where 'CASE id % 2 WHEN 0 THEN id <= 60 ELSE false END'
        $r.Status | Should -Be 'Done'
        $r.UdfValuesComputed | Should -Be 30
        $rows = Read-GenevaTable $t
        foreach ($row in $rows) {
            $expected = if ($row.id % 2 -ne 0 -or $row.id -gt 60) { $null }
                elseif ($row.id % 15 -eq 0) { 'fizzbuzz' } elseif ($row.id % 5 -eq 0) { 'buzz' }
                elseif ($row.id % 3 -eq 0) { 'fizz' } else { $null }
            $row.size | Should -Be $expected -Because "row $($row.id)"
        }
    }

    It 'backfills a CASE that guards a division by zero, as SQL does' {
        $t = New-TestTable -Rows 30 -PerFragment 30
        Add-GenevaColumn -Table $t -Name ratio -Udf (New-GenevaUdf -Name ratio -OutputType int64 -Expression 'CASE WHEN id % 10 <> 0 THEN 100 / (id % 10) ELSE -1 END')
        Start-GenevaBackfill -Table $t -Column ratio | Out-Null
        Read-GenevaTable $t | ForEach-Object {
            $_.ratio | Should -Be ($(if ($_.id % 10 -eq 0) { -1 } else { [math]::Truncate(100 / ($_.id % 10)) }))
        }
    }

    It 'hints at CASE in a syntax error' {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id' -OutputType int64)
        $e = { Get-GenevaBackfillPlan -Table $t -Column c -Where 'CASE WHEN id > 1 THEN true' -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -Match 'CASE WHEN c THEN x'
    }
}
