BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'New-GenevaTable' {
    It 'creates a table from piped objects with inferred types and fragments' {
        $t = Join-Path $TestDrive 'piped'
        $info = 1..25 | ForEach-Object { [pscustomobject]@{ id = $_; name = "n$_"; score = $_ / 2; ok = ($_ % 2 -eq 0) } } |
            New-GenevaTable -Path $t -MaxRowsPerFragment 10
        $info.RowCount | Should -Be 25
        $info.FragmentCount | Should -Be 3
        $info.Schema | Should -Be 'id:int64, name:utf8, score:float64, ok:bool'
    }

    It 'takes column types from -Schema' {
        $t = Join-Path $TestDrive 'typed'
        $info = @{ id = 1; emb = [float[]](1, 2, 3) }, @{ id = 2; emb = [float[]](4, 5, 6) } |
            New-GenevaTable -Path $t -Schema @{ id = 'int32'; emb = 'fixed_size_list<float32>[3]' }
        ($info.Columns | Where-Object Name -eq 'emb').Type | Should -Be 'fixed_size_list<float32>[3]'
        (Read-GenevaTable $t | Select-Object -Last 1).emb | Should -Be @(4, 5, 6)
    }

    It 'imports a CSV file with typed columns' {
        $csv = Join-Path $TestDrive 'in.csv'
        "id,city,temp`n1,Geneva,3.5`n2,Zürich,`n3,Bern,-1" | Set-Content -LiteralPath $csv
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'csv') -From $csv
        $info.Schema | Should -Be 'id:int64, city:utf8, temp:float64'
        $rows = Read-GenevaTable $info
        $rows[1].city | Should -Be 'Zürich'
        $rows[1].temp | Should -BeNullOrEmpty
        $rows[2].temp | Should -Be -1
    }

    It 'imports quoted fields with an embedded separator, quote and line break' {
        $csv = Join-Path $TestDrive 'quoted.csv'
        Set-Content -LiteralPath $csv -NoNewline -Value "id,text,n`n1,""a, b"",10`n2,""line one`nline two"",20`n3,""say """"hi"""""",30`n"
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'quoted') -From $csv
        $info.Schema | Should -Be 'id:int64, text:utf8, n:int64'
        $rows = @(Read-GenevaTable $info)
        $rows.Count | Should -Be 3
        $rows[0].text | Should -Be 'a, b'
        $rows[1].text | Should -Be "line one`nline two"
        $rows[2].text | Should -Be 'say "hi"'
        $rows.n | Should -Be @(10, 20, 30)
    }

    It 'rejects a CSV row with too many fields, naming its line, and writes nothing' {
        $csv = Join-Path $TestDrive 'long.csv'
        # Line 3 has an extra field; the quoted line break in row 1 counts as a line.
        Set-Content -LiteralPath $csv -NoNewline -Value "id,text`n1,""two`nlines""`n2,b,extra`n3,c`n"
        $t = Join-Path $TestDrive 'long'
        $err = { New-GenevaTable -Path $t -From $csv -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'CsvRowInvalid,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.TargetObject | Should -Be $csv
        $err.Exception.Message | Should -BeLike '*line 4*3 fields*header has 2*'
        Test-Path $t | Should -BeFalse
    }

    It 'rejects a CSV row with too few fields, naming its line' {
        $csv = Join-Path $TestDrive 'short.csv'
        Set-Content -LiteralPath $csv -NoNewline -Value "id,city,temp`n1,Geneva,3.5`n2,Bern`n"
        $err = { New-GenevaTable -Path (Join-Path $TestDrive 'short') -From $csv -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'CsvRowInvalid,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.Exception.Message | Should -BeLike '*line 3*2 fields*header has 3*'
    }

    It 'creates an empty table from -Schema when no rows are piped' {
        $t = Join-Path $TestDrive 'empty'
        $info = New-GenevaTable -Path $t -Schema @{ id = 'int64' }
        $info.RowCount | Should -Be 0
        $info.Schema | Should -Be 'id:int64'
        @(Read-GenevaTable $t).Count | Should -Be 0
        [pscustomobject]@{ id = 7 } | Add-GenevaRow -Table $t
        (Read-GenevaTable $t).id | Should -Be 7
    }

    It 'keeps the column order of an ordered -Schema for an empty table' {
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'empty-ordered') -Schema ([ordered]@{ z = 'utf8'; a = 'int32'; m = 'float64' })
        $info.Schema | Should -Be 'z:utf8, a:int32, m:float64'
    }

    It 'still refuses no rows and no -Schema' {
        { @() | New-GenevaTable -Path (Join-Path $TestDrive 'nothing') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
    }

    It 'imports an Arrow IPC file' {
        $src = New-TestTable -Rows 30
        # An Arrow IPC file written with the Arrow library the module loads.
        $file = Join-Path $TestDrive 'rows.arrow'
        $batches = @(Get-GenevaTable $src | Read-GenevaTable -AsArrow | ForEach-Object { $_.Clone() })
        $stream = [System.IO.File]::Create($file)
        $writer = [Apache.Arrow.Ipc.ArrowFileWriter]::new($stream, $batches[0].Schema)
        foreach ($b in $batches) { $writer.WriteRecordBatch($b) }
        $writer.WriteEnd(); $writer.Dispose(); $stream.Dispose()
        $info = New-GenevaTable -Path (Join-Path $TestDrive 'fromarrow') -From $file
        $info.RowCount | Should -Be 30
    }

    It 'warns when the folder is not named NAME.lance, which LanceDB would not list' {
        $null = [pscustomobject]@{ a = 1 } | New-GenevaTable -Path (Join-Path $TestDrive 'plain') -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -BeLike '*NAME.lance*'
        $null = [pscustomobject]@{ a = 1 } | New-GenevaTable -Path (Join-Path $TestDrive 'named.lance') -WarningVariable w2
        $w2 | Should -BeNullOrEmpty
    }

    It 'refuses an existing table with TableExists' {
        $t = New-TestTable -Rows 3
        { [pscustomobject]@{ a = 1 } | New-GenevaTable -Path $t -ErrorAction Stop } |
            Should -Throw -ErrorId 'TableExists,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
    }

    It 'writes nothing with -WhatIf' {
        $t = Join-Path $TestDrive 'whatif'
        [pscustomobject]@{ a = 1 } | New-GenevaTable -Path $t -WhatIf
        Test-Path $t | Should -BeFalse
    }

    It 'rejects a row whose value does not fit the column type, naming its position in the input and the column' {
        $t = Join-Path $TestDrive 'badrow'
        $err = { @{ id = 1 }, @{ id = 2 }, @{ id = 'not a number' } | New-GenevaTable -Path $t -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'TypeMismatch,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.TargetObject | Should -Be 'id'
        $err.Exception.Message | Should -BeLike "Input row 3, column 'id': *"
        $err.Exception.Message | Should -Not -Match 'row 2'
        Test-Path $t | Should -BeFalse
    }

    It 'keeps a property that first appears after the first 65,536 rows' {
        $t = Join-Path $TestDrive 'late'
        $info = @(foreach ($i in 1..65537) { @{ id = $i } }) + @(@{ id = 65538; late = 'here' }) | New-GenevaTable -Path $t
        $info.Schema | Should -Be 'id:int64, late:utf8'
        (Read-GenevaTable $t -Where 'late is not null').id | Should -Be 65538
        @(Read-GenevaTable $t -Column id -Where 'late is null').Count | Should -Be 65537
    }

    It 'refuses a -From file of a type it does not import, naming the accepted types, and makes no table' {
        $json = Join-Path $TestDrive 'rows.json'
        '[{"id": 1, "text": "a"}]' | Set-Content -LiteralPath $json
        $target = Join-Path $TestDrive 'fromjson.lance'
        $err = { New-GenevaTable -Path $target -From $json -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*rows.json*is not a file type Geneva imports*.csv*.arrow*'
        $target | Should -Not -Exist
    }

    It 'reports a -From file that does not exist as FileNotFound with the path as target' {
        $missing = Join-Path $TestDrive 'missing.csv'
        $err = { New-GenevaTable -Path (Join-Path $TestDrive 'nofile') -From $missing -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'FileNotFound,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $missing
    }
}

Describe 'Property getters that throw while rows are imported' {
    BeforeAll {
        if (-not ('GenevaTests.ThrowingRow' -as [type])) {
            Add-Type -TypeDefinition @'
namespace GenevaTests {
    public sealed class ThrowingRow {
        public ThrowingRow(long id, bool fail) { Id = id; _fail = fail; }
        private readonly bool _fail;
        public long Id { get; }
        public string Text => _fail ? throw new System.InvalidOperationException("getter boom") : "ok";
    }
}
'@
        }
        # The third row's ScriptProperty throws.
        function New-ScriptPropertyRows {
            1..4 | ForEach-Object {
                $row = [pscustomobject]@{ id = $_ }
                $fail = $_ -eq 3
                $row | Add-Member -MemberType ScriptProperty -Name text -Value ([scriptblock]::Create(
                    $(if ($fail) { 'throw "script boom"' } else { '"ok"' })))
                $row
            }
        }
    }

    It 'New-GenevaTable: a ScriptProperty that throws is an error naming the row and property, and nothing is written' {
        $t = Join-Path $TestDrive 'getter-script'
        $err = { New-ScriptPropertyRows | New-GenevaTable -Path $t -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'RowPropertyUnreadable,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike "*row 3*'text'*script boom*"
        $err.TargetObject.id | Should -Be 3
        Test-Path $t | Should -BeFalse
    }

    It 'New-GenevaTable: a .NET getter that throws is an error naming the row and property' {
        $t = Join-Path $TestDrive 'getter-dotnet'
        $err = { [GenevaTests.ThrowingRow]::new(1, $false), [GenevaTests.ThrowingRow]::new(2, $true) |
                New-GenevaTable -Path $t -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'RowPropertyUnreadable,Geneva.PowerShell.Cmdlets.NewGenevaTableCommand'
        $err.Exception.Message | Should -BeLike "*row 2*'Text'*getter boom*"
        Test-Path $t | Should -BeFalse
    }

    It 'Add-GenevaRow: a getter that throws is an error naming the row and property, and no version is added' {
        $t = New-TestTable -Rows 3
        $err = { New-ScriptPropertyRows | ForEach-Object { $_.id += 10; $_ } | Add-GenevaRow -Table $t -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'RowPropertyUnreadable,Geneva.PowerShell.Cmdlets.AddGenevaRowCommand'
        $err.Exception.Message | Should -BeLike "*row 3*'text'*"
        (Get-GenevaTable $t).Version | Should -Be 1
        (Get-GenevaTable $t).RowCount | Should -Be 3
    }
}

Describe 'Get-GenevaTable and versions' {
    It 'reports an unknown path as TableNotFound with the path as target' {
        $missing = Join-Path $TestDrive 'missing'
        $err = { Get-GenevaTable $missing -ErrorAction Stop } | Should -Throw -PassThru -ErrorId 'TableNotFound,Geneva.PowerShell.Cmdlets.GetGenevaTableCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $missing
    }

    It 'travels back to an older version' {
        $t = New-TestTable -Rows 10
        1..5 | ForEach-Object { [pscustomobject]@{ id = 100 + $_; text = 'new' } } | Add-GenevaRow -Table $t
        (Get-GenevaTable $t).RowCount | Should -Be 15
        (Get-GenevaTable $t -Version 1).RowCount | Should -Be 10
        @(Read-GenevaTable $t -Version 1).Count | Should -Be 10
        (Get-GenevaTableVersion $t).Operation | Should -Be @('create', 'append')
    }

    It 'accepts a table object from the pipeline' {
        $t = New-TestTable -Rows 4
        @(Get-GenevaTable $t | Read-GenevaTable).Count | Should -Be 4
    }

    It 'reports a corrupt manifest as InvalidData without losing older versions' {
        $t = New-TestTable -Rows 4
        # Version 2's manifest (Lance's V2 naming: u64::MAX - 2) damaged.
        Set-Content -LiteralPath (Join-Path $t '_versions/18446744073709551613.manifest') -Value 'broken'
        { Get-GenevaTable $t -ErrorAction Stop } | Should -Throw -ErrorId 'ManifestCorrupt,Geneva.PowerShell.Cmdlets.GetGenevaTableCommand'
        (Get-GenevaTable $t -Version 1).RowCount | Should -Be 4
    }
}

Describe 'Add-GenevaRow' {
    It 'appends rows as a new fragment, null in columns they lack' {
        $t = New-TestTable -Rows 10 -PerFragment 10
        [pscustomobject]@{ id = 11 } | Add-GenevaRow -Table $t
        $info = Get-GenevaTable $t
        $info.FragmentCount | Should -Be 2
        (Read-GenevaTable $t -Where 'id = 11').text | Should -BeNullOrEmpty
    }

    It 'rejects a column the table does not have' {
        $t = New-TestTable -Rows 3
        { [pscustomobject]@{ id = 4; nope = 1 } | Add-GenevaRow -Table $t -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnNotFound,Geneva.PowerShell.Cmdlets.AddGenevaRowCommand'
        (Get-GenevaTable $t).Version | Should -Be 1
    }

    It 'changes nothing with -WhatIf' {
        $t = New-TestTable -Rows 3
        [pscustomobject]@{ id = 4; text = 'x' } | Add-GenevaRow -Table $t -WhatIf
        (Get-GenevaTable $t).Version | Should -Be 1
    }
}

Describe 'Add-GenevaRow with values for a computed column' {
    BeforeEach {
        $script:t = New-TestTable -Rows 4 -PerFragment 4
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 10' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column c -Concurrency 1 | Out-Null
        $script:version = (Get-GenevaTable $t).Version
        $script:files = @(Get-ChildItem (Join-Path $t 'data') -File).Count
    }

    It 'refuses a value for a computed column with ComputedColumnValue, naming the column, and writes nothing' {
        $err = { [pscustomobject]@{ id = 5; text = 'e'; c = 7 } | Add-GenevaRow -Table $t -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'ComputedColumnValue,Geneva.PowerShell.Cmdlets.AddGenevaRowCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'c'
        $err.Exception.Message | Should -BeLike "*'c'*"
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        (Get-GenevaTable $t).Version | Should -Be $version
        @(Get-ChildItem (Join-Path $t 'data') -File).Count | Should -Be $files
    }

    It 'accepts rows whose computed column is null (rows read back from a table), and backfills them' {
        [pscustomobject]@{ id = 5; text = 'e'; c = $null } | Add-GenevaRow -Table $t
        Start-GenevaBackfill -Table $t -Column c -Concurrency 1 | Out-Null
        (Read-GenevaTable $t -Where 'id = 5').c | Should -Be 50
    }

    It 'with -Force keeps the values given as if computed: the next backfill computes only the null rows' {
        [pscustomobject]@{ id = 5; text = 'e'; c = 7 }, [pscustomobject]@{ id = 6; text = 'f'; c = $null } |
            Add-GenevaRow -Table $t -Force
        (Read-GenevaTable $t -Where 'id = 5').c | Should -Be 7
        Start-GenevaBackfill -Table $t -Column c -Concurrency 1 | Out-Null
        (Read-GenevaTable $t -Where 'id >= 5').c | Should -Be @(7, 60)
        (Read-GenevaTable $t -Where 'id < 5').c | Should -Be @(10, 20, 30, 40)
        # A new UDF version recomputes them, as it would computed values.
        Set-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 100' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column c -Concurrency 1 | Out-Null
        (Read-GenevaTable $t -Where 'id >= 5').c | Should -Be @(500, 600)
    }
}

Describe 'Read-GenevaTable' {
    BeforeAll { $script:t = New-TestTable -Rows 200 -PerFragment 64 }

    It 'selects columns, filters and limits' {
        $rows = @(Read-GenevaTable $t -Column id -Where 'id > 190 and text like ''row 19%''' -First 3)
        $rows.id | Should -Be @(191, 192, 193)
        $rows[0].PSObject.Properties.Name | Should -Be @('id')
    }

    It 'returns Arrow record batches with -AsArrow that stay valid after reading' {
        $batches = @(Read-GenevaTable $t -AsArrow)
        ($batches | Measure-Object -Property Length -Sum).Sum | Should -Be 200
        $batches[0].Column(0).GetValue(0) | Should -Be 1
    }

    It 'reports a filter syntax error with its position' {
        $err = { Read-GenevaTable $t -Where 'id >' -ErrorAction Stop } | Should -Throw -PassThru -ErrorId 'ExpressionSyntax,Geneva.PowerShell.Cmdlets.ReadGenevaTableCommand'
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.Exception.Position | Should -Be 5
    }

    It 'reports a filter that fails on a row with that row''s fragment and offset' {
        $err = { Read-GenevaTable $t -Where '10 / (id - 70) > 1' -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'ExpressionInvalid,Geneva.PowerShell.Cmdlets.ReadGenevaTableCommand'
        # id 70 is row 5 of fragment 1 (64 rows a fragment).
        $err.Exception.Message | Should -BeLike '*fragment 1, row 5:*Division by zero*'
        @([regex]::Matches($err.Exception.Message, '\brow (\d+)')).Count | Should -Be 1
        $err.TargetObject | Should -Be 1
    }

    It 'reports an unknown column as ColumnNotFound' {
        { Read-GenevaTable $t -Column nope -ErrorAction Stop } | Should -Throw -ErrorId 'ColumnNotFound,Geneva.PowerShell.Cmdlets.ReadGenevaTableCommand'
    }
}

Describe 'Row addresses and row keys' {
    It 'Get-GenevaBackfillError on a table that never ran a backfill lists nothing and writes nothing' {
        $t = New-TestTable -Rows 3
        @(Get-GenevaBackfillError -Table $t -ErrorAction Stop).Count | Should -Be 0
        Test-Path (Join-Path $t '_geneva') | Should -BeFalse
    }

    It 'Read-GenevaTable -IncludeRowAddress adds _rowaddr: (fragment id << 32) | row offset, as uint64' {
        $t = New-TestTable -Rows 10 -PerFragment 4
        $rows = @(Read-GenevaTable $t -Column id -IncludeRowAddress)
        $rows[0].PSObject.Properties.Name | Should -Be @('id', '_rowaddr')
        $rows[0]._rowaddr | Should -BeOfType [uint64]
        $rows._rowaddr | Should -Be @(0, 1, 2, 3, 4294967296, 4294967297, 4294967298, 4294967299, 8589934592, 8589934593)
        # With a filter and a limit, each row keeps its own address.
        $filtered = @(Read-GenevaTable $t -Where 'id > 5' -First 2 -IncludeRowAddress)
        $filtered.id | Should -Be @(6, 7)
        $filtered._rowaddr | Should -Be @(4294967297, 4294967298)
        $batch = @(Read-GenevaTable $t -Where 'id = 9' -IncludeRowAddress -AsArrow)[0]
        $batch.Schema.GetFieldByName('_rowaddr').DataType.Name | Should -Be 'uint64'
        $batch.Column(2).GetValue(0) | Should -Be 8589934592
        (Read-GenevaTable $t -Column id)[0].PSObject.Properties.Name | Should -Be @('id')
    }

    It 'a skipped row error carries the row key and an address that Read-GenevaTable finds' {
        $t = New-TestTable -Rows 10 -PerFragment 4
        $body = { param($text) if ($text -eq 'row 6xxxxxx') { throw 'six is bad' } $text.Length }
        Add-GenevaColumn -Table $t -Name n -Udf (New-GenevaUdf -Name n -ScriptBlock $body -OutputType int64 -OnError Skip)
        (Start-GenevaBackfill -Table $t -Column n -Concurrency 1).ErrorCount | Should -Be 1
        $e = Get-GenevaBackfillError -Table $t
        $e.FragmentId | Should -Be 1
        $e.RowOffset | Should -Be 1
        $e.Key | Should -Be "text='row 6xxxxxx'"
        $e.RowAddress | Should -Be 4294967297
        $row = @(Read-GenevaTable $t -IncludeRowAddress | Where-Object _rowaddr -eq $e.RowAddress)
        $row.Count | Should -Be 1
        $row[0].id | Should -Be 6
        $row[0].n | Should -BeNullOrEmpty
    }

    It 'a row that fails the job is recorded with its key' {
        $t = New-TestTable -Rows 6 -PerFragment 6
        $body = { param($id, $text) if ($id -eq 4) { throw 'four' } $id }
        Add-GenevaColumn -Table $t -Name f -Udf (New-GenevaUdf -Name f -ScriptBlock $body -OutputType int64)
        { Start-GenevaBackfill -Table $t -Column f -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfFailed,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $e = Get-GenevaBackfillError -Table $t
        $e.RowOffset | Should -Be 3
        $e.Key | Should -Be "id=4, text='row 4xxxx'"
    }

    It 'a failing expression row is recorded at that row, not at its batch, and the message names one row' {
        $t = New-TestTable -Rows 6 -PerFragment 6
        Add-GenevaColumn -Table $t -Name e -Udf (New-GenevaUdf -Name e -Expression '10 / (id - 5)' -OutputType int64)
        $err = { Start-GenevaBackfill -Table $t -Column e -ErrorAction Stop } |
            Should -Throw -PassThru -ErrorId 'UdfFailed,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $numbers = [regex]::Matches($err.Exception.Message, '\brows? (\d+)') | ForEach-Object { $_.Groups[1].Value }
        $numbers | Should -Be @('4')
        $e = Get-GenevaBackfillError -Table $t
        $e.RowOffset | Should -Be 4
        $e.Key | Should -Be 'id=5'
        (Read-GenevaTable $t -IncludeRowAddress | Where-Object _rowaddr -eq $e.RowAddress).id | Should -Be 5
    }

    It 'an output that does not convert names one row number, the fragment row' {
        $t = New-TestTable -Rows 6 -PerFragment 6
        Add-GenevaColumn -Table $t -Name b -Udf (New-GenevaUdf -Name b -OutputType int64 -ScriptBlock { param($id) if ($id -eq 3) { 'abc' } else { $id } })
        $err = { Start-GenevaBackfill -Table $t -Column b -ErrorAction Stop } | Should -Throw -PassThru
        $numbers = [regex]::Matches($err.Exception.Message, '\brows? (\d+)') | ForEach-Object { $_.Groups[1].Value }
        $numbers | Should -Be @('2')
    }
}
