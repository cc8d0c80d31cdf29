BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'New-GenevaTable -From a CSV file: types' {
    It 'keeps a numeric column numeric when it has n/a, NA or empty fields, as null' {
        $csv = Join-Path $TestDrive 'na.csv'
        "id,temp,note`n1,3.5,ok`n2,n/a,NA`n3,,`n4,-1,x" | Set-Content -LiteralPath $csv
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'na.lance') -From $csv
        $info.Schema | Should -Be 'id:int64, temp:float64, note:utf8'
        $rows = @(Read-GenevaTable $info)
        $rows.temp | Should -Be @(3.5, $null, $null, -1)
        $rows[1].note | Should -Be 'NA'
    }

    It 'infers date32 for ISO dates and timestamp[us] (UTC) for ISO date-times' {
        $csv = Join-Path $TestDrive 'dates.csv'
        "id,day,at,local`n1,2024-05-31,2024-05-31T12:30:00+02:00,2024-05-31 08:00:00`n2,1999-12-31,2024-06-01T00:00:00.25Z," |
            Set-Content -LiteralPath $csv
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'dates.lance') -From $csv
        $info.Schema | Should -Be 'id:int64, day:date32, at:timestamp[us], local:timestamp[us]'
        $rows = @(Read-GenevaTable $info)
        ([datetime] $rows[0].day).ToString('yyyy-MM-dd') | Should -Be '2024-05-31'
        ([datetimeoffset] $rows[0].at).UtcDateTime.ToString('o') | Should -Be '2024-05-31T10:30:00.0000000Z'
        ([datetimeoffset] $rows[1].at).UtcDateTime.ToString('o') | Should -Be '2024-06-01T00:00:00.2500000Z'
        ([datetimeoffset] $rows[0].local).UtcDateTime.ToString('o') | Should -Be '2024-05-31T08:00:00.0000000Z'
        $rows[1].local | Should -BeNullOrEmpty
    }

    It 'takes -Schema as type overrides for the columns it names; the others keep inference' {
        $csv = Join-Path $TestDrive 'over.csv'
        "id,zip,score,day`n1,01234,2.5,2024-01-02`n2,98765,,2024-01-03" | Set-Content -LiteralPath $csv
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'over.lance') -From $csv -Schema @{ ZIP = 'utf8'; id = 'int32'; score = 'float32' }
        $info.Schema | Should -Be 'id:int32, zip:utf8, score:float32, day:date32'
        $rows = @(Read-GenevaTable $info)
        $rows.zip | Should -Be @('01234', '98765')
        $rows[0].id | Should -BeOfType [int]
        $rows[0].score | Should -BeOfType [single]
    }

    It 'names the line, row, column and value that does not convert, and writes nothing' {
        $csv = Join-Path $TestDrive 'bad.csv'
        "id,n`n1,10`n2,ten`n3,30" | Set-Content -LiteralPath $csv
        $t = Join-Path $TestDrive 'bad.lance'
        $err = { New-GenevaTable -Path $t -From $csv -Schema @{ n = 'int64' } -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'TypeMismatch,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.TargetObject | Should -Be 'n'
        $err.Exception.Message | Should -BeLike "*line 3 (row 2), column 'n': 'ten' is not a valid int64 value*"
        Test-Path $t | Should -BeFalse
    }

    It 'refuses -Schema for a column the file lacks, listing its columns' {
        $csv = Join-Path $TestDrive 'few.csv'
        "a,b`n1,2" | Set-Content -LiteralPath $csv
        $err = { New-GenevaTable -Path (Join-Path $TestDrive 'few.lance') -From $csv -Schema @{ c = 'int64' } -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'ColumnNotFound,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.Exception.Message | Should -BeLike '*Its columns: a, b*'
    }
}

Describe 'New-GenevaTable -From a CSV file with dates, read by LanceDB 0.31' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LanceInteropHelpers.ps1')
        $script:db = Join-Path $TestDrive 'db'
        New-Item -ItemType Directory -Path $db | Out-Null
    }

    It 'gives LanceDB date32 and timestamp columns with the same values' {
        $csv = Join-Path $TestDrive 'events.csv'
        "id,day,at,qty`n1,2024-05-31,2024-05-31T12:30:00.123456+02:00,3`n2,1969-12-31,1969-12-31T23:59:59Z,n/a`n3,,,7" |
            Set-Content -LiteralPath $csv
        $t = Join-Path $db 'events.lance'
        New-GenevaTable -Path $t -From $csv -Schema @{ qty = 'int32' } | Out-Null
        $r = Invoke-LanceDb @(
            , @('schema', $db, 'events')
            , @('scan', $db, 'events')
            , @('count', $db, 'events', '--where', "day = DATE '1969-12-31' AND at < TIMESTAMP '1970-01-01 00:00:00'")
        )
        @($r[0].fields | ForEach-Object { "$($_.name):$($_.type)" }) | Should -Be @('id:int64', 'day:date32', 'at:timestamp[us]', 'qty:int32')
        @(ConvertTo-LanceCanonicalRows -Rows @(Read-GenevaTable $t) -Columns $r[1].columns) | Should -Be @(ConvertTo-LanceRowLines $r[1].rows)
        $r[1].rows[0].day | Should -Be 19874
        $r[1].rows[0].at | Should -Be '1717151400123456'
        $r[1].rows[1].qty | Should -BeNullOrEmpty
        $r[2].count | Should -Be 1
    }
}
