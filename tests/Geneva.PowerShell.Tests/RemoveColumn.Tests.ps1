BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # SleepyDouble sleeps this long per row; worker processes inherit it from this process.
    $env:GENEVA_TEST_SLEEP_MS = '2'
}

AfterAll { Remove-Item Env:GENEVA_TEST_SLEEP_MS -ErrorAction SilentlyContinue }

Describe 'Remove-GenevaColumn' {
    It 'removes a backfilled column in a new version that older versions still read' {
        $t = New-TestTable -Rows 120 -PerFragment 50
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Add-GenevaColumn -Table $t -Name up -Udf (New-GenevaUdf -Name up -Expression 'upper(text)' -OutputType utf8)
        Start-GenevaBackfill -Table $t -Column tlen | Out-Null
        Start-GenevaBackfill -Table $t -Column up | Out-Null
        $before = (Get-GenevaTable $t).Version
        $beforeRows = @(Read-GenevaTable $t)

        $info = Remove-GenevaColumn -Table $t -Name tlen -Confirm:$false -PassThru
        $info.Version | Should -Be ($before + 1)
        $table = Get-GenevaTable $t
        @($table.Columns.Name) | Should -Be @('id', 'text', 'up')
        @($table.Columns | Where-Object IsComputed).Name | Should -Be 'up'
        (Get-GenevaTableVersion $t | Select-Object -Last 1).Operation | Should -Be 'drop_column'

        $rows = @(Read-GenevaTable $t)
        $rows.Count | Should -Be 120
        $rows[0].psobject.Properties.Name | Should -Not -Contain 'tlen'
        for ($i = 0; $i -lt 120; $i++) { $rows[$i].up | Should -Be $beforeRows[$i].up }
        # The removed column's data stays for the older version.
        $old = @(Read-GenevaTable $t -Version $before)
        ($old | Where-Object { $_.tlen -ne $_.text.Length }) | Should -BeNullOrEmpty
        @(Get-GenevaJob $t | Where-Object Column -eq 'tlen') | Should -BeNullOrEmpty
        @(Get-GenevaJob $t | Where-Object Column -eq 'up').Count | Should -Be 1

        # A new column of the same name starts afresh.
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'octet_length(text) * 2' -OutputType int32)
        (Start-GenevaBackfill -Table $t -Column tlen).UdfValuesComputed | Should -Be 120
        Read-GenevaTable $t | ForEach-Object { $_.tlen | Should -Be (2 * $_.text.Length) }
    }

    It 'changes nothing with -WhatIf, and asks for confirmation (impact High)' {
        $t = New-TestTable -Rows 10
        $v = (Get-GenevaTable $t).Version
        Remove-GenevaColumn -Table $t -Name text -WhatIf
        (Get-GenevaTable $t).Version | Should -Be $v
        (Get-Command Remove-GenevaColumn).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
    }

    It 'takes names and column objects from the pipeline and removes them in one version' {
        $t = New-TestTable -Rows 20
        Add-GenevaColumn -Table $t -Name a -Udf (New-GenevaUdf -Name a -Expression 'id + 1' -OutputType int64)
        Add-GenevaColumn -Table $t -Name b -Udf (New-GenevaUdf -Name b -Expression 'id * 2' -OutputType int64)
        Add-GenevaColumn -Table $t -Name plain -Type utf8
        $v = (Get-GenevaTable $t).Version
        (Get-GenevaTable $t).Columns | Where-Object IsComputed | Remove-GenevaColumn -Table $t -Confirm:$false
        (Get-GenevaTable $t).Version | Should -Be ($v + 1)
        @((Get-GenevaTable $t).Columns.Name) | Should -Be @('id', 'text', 'plain')
        'PLAIN', 'nope' | Remove-GenevaColumn -Table $t -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ColumnNotFound,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
        @((Get-GenevaTable $t).Columns.Name) | Should -Be @('id', 'text')
    }

    It 'refuses to remove an input of a computed column unless -Force, which unbinds it' {
        $t = New-TestTable -Rows 30
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Add-GenevaColumn -Table $t -Name twice -Udf (New-GenevaUdf -Name twice -Expression 'tlen * 2' -OutputType int64)
        Start-GenevaBackfill -Table $t -Column tlen | Out-Null
        $v = (Get-GenevaTable $t).Version
        $e = { Remove-GenevaColumn -Table $t -Name text -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'ColumnInUse,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
        $e.Exception.Message | Should -Match "'tlen' \(UDF 'tlen'\) reads 'text'"
        { Remove-GenevaColumn -Table $t -Name tlen -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnInUse,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
        (Get-GenevaTable $t).Version | Should -Be $v

        # Both at once needs no -Force.
        Remove-GenevaColumn -Table $t -Name tlen, twice -Confirm:$false
        @((Get-GenevaTable $t).Columns.Name) | Should -Be @('id', 'text')

        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Start-GenevaBackfill -Table $t -Column tlen | Out-Null
        Remove-GenevaColumn -Table $t -Name text -Force -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -Match "'tlen'.*unbound"
        $columns = (Get-GenevaTable $t).Columns
        @($columns.Name) | Should -Be @('id', 'tlen')
        @($columns | Where-Object IsComputed) | Should -BeNullOrEmpty
        (Read-GenevaTable $t -First 1).tlen | Should -BeGreaterThan 0
    }

    It 'refuses the last column and unknown names' {
        $t = New-TestTable -Rows 5
        { Remove-GenevaColumn -Table $t -Name id, text -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
        { Remove-GenevaColumn -Table $t -Name nope -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnNotFound,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
    }

    It 'fails clearly while a job computes the column, and forgets a stopped job''s checkpoints once removed' {
        $t = New-TestTable -Rows 3000 -PerFragment 500
        Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName SleepyDouble)
        $job = Start-GenevaBackfill -Table $t -Column d -AsJob -CheckpointSize 50 -MinCheckpointSize 50 -MaxCheckpointSize 50
        try {
            Wait-Until { (Get-GenevaJob $t).RowsCheckpointed -ge 100 }
            $v = (Get-GenevaTable $t).Version
            $e = { Remove-GenevaColumn -Table $t -Name d -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be 'JobBusy,Geneva.PowerShell.Cmdlets.RemoveGenevaColumnCommand'
            $e.Exception.Message | Should -Match "Cannot remove column 'd'.*while a job computes 'd'"
            (Get-GenevaTable $t).Version | Should -Be $v
        }
        finally {
            $job | Stop-Job
        }
        $stopped = $job | Receive-Job
        $stopped.Status | Should -Be 'Stopped'
        $checkpoints = Join-Path $t '_geneva/ck'
        @(Get-ChildItem $checkpoints -File).Count | Should -BeGreaterThan 0

        Remove-GenevaColumn -Table $t -Name d -Confirm:$false -Verbose 4>&1 | Out-String | Should -Match 'forgot 1 job\(s\)'
        @(Get-GenevaJob $t) | Should -BeNullOrEmpty
        @(Get-ChildItem $checkpoints -File) | Should -BeNullOrEmpty
        { Resume-GenevaBackfill -Table $t -JobId $stopped.JobId -ErrorAction Stop } |
            Should -Throw -ErrorId 'JobNotFound,Geneva.PowerShell.Cmdlets.ResumeGenevaBackfillCommand'
    }

    It 'completes column names' {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name tlen -Type int32
        $line = "Remove-GenevaColumn -Table '$t' -Name tl"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completion.CompletionMatches.CompletionText) | Should -Be @('tlen')
    }
}

Describe 'Remove-GenevaColumn with LanceDB 0.31' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LanceInteropHelpers.ps1')
        # Not in $TestDrive: Pester removes files made in an It, and the Its build on one another.
        $script:db = Join-Path ([IO.Path]::GetTempPath()) "geneva-drop-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory -Path $db | Out-Null
        $script:t = Join-Path $db 't.lance'
        0..299 | ForEach-Object { [pscustomobject]@{ id = [long] $_; text = "row $_" + ('x' * ($_ % 7)) } } |
            New-GenevaTable -Path $t -MaxRowsPerFragment 100 | Out-Null
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Add-GenevaColumn -Table $t -Name shout -Udf (New-GenevaUdf -Name shout -Expression "concat(upper(text), '!')" -OutputType utf8)
        Start-GenevaBackfill -Table $t -Column tlen | Out-Null
        Start-GenevaBackfill -Table $t -Column shout | Out-Null
        # A column LanceDB wrote (its own data files).
        Invoke-LanceDb @('add-columns', $db, 't', 'ld', 'id * 3') | Out-Null
        $script:beforeDrop = (Get-GenevaTable $t).Version
    }

    AfterAll { if ($db -and (Test-Path $db)) { Remove-Item -LiteralPath $db -Recurse -Force } }

    It 'drops our column and a LanceDB-made one; LanceDB reads the rest, the old version, and keeps writing' {
        Remove-GenevaColumn -Table $t -Name tlen, ld -Confirm:$false
        $ours = @(Read-GenevaTable $t)
        @((Get-GenevaTable $t).Columns.Name) | Should -Be @('id', 'text', 'shout')
        # Files that held only the removed columns left the fragments; the data files of the rest are the same.
        $r = Invoke-LanceDb @(
            , @('schema', $db, 't')                                                  # 0
            , @('scan', $db, 't')                                                    # 1
            , @('scan', $db, 't', '--version', "$beforeDrop", '--columns', 'id,tlen,ld') # 2
            , @('versions', $db, 't')                                                # 3
        )
        @($r[0].fields | ForEach-Object { "$($_.name):$($_.type)" }) | Should -Be @('id:int64', 'text:utf8', 'shout:utf8')
        @(ConvertTo-LanceCanonicalRows -Rows $ours -Columns $r[1].columns) | Should -Be @(ConvertTo-LanceRowLines $r[1].rows)
        $r[1].rows.Count | Should -Be 300
        foreach ($row in $r[2].rows) {
            $row.tlen | Should -Be ("row $($row.id)" + ('x' * ([long] $row.id % 7))).Length
            $row.ld | Should -Be ([string] (3 * [long] $row.id))
        }
        # Our older version reads the removed columns too.
        $old = @(Read-GenevaTable $t -Version $beforeDrop)
        ($old | Where-Object { $_.tlen -ne $_.text.Length -or $_.ld -ne 3 * $_.id }) | Should -BeNullOrEmpty

        # LanceDB appends, adds a column and compacts (with cleanup) after the drop.
        $w = Invoke-LanceDb @(
            , @('append', $db, 't', '[{"id":"300","text":"row 300"}]')               # 0
            , @('add-columns', $db, 't', 'ld2', 'id + 1')                            # 1
            , @('optimize', $db, 't')                                                # 2
            , @('schema', $db, 't')                                                  # 3
            , @('scan', $db, 't')                                                    # 4
        )
        $w[2].compaction.fragmentsRemoved | Should -BeGreaterThan 0
        @($w[3].fields.name) | Should -Be @('id', 'text', 'shout', 'ld2')
        $w[4].rows.Count | Should -Be 301
        @(ConvertTo-LanceCanonicalRows -Rows @(Read-GenevaTable $t) -Columns $w[4].columns) | Should -Be @(ConvertTo-LanceRowLines $w[4].rows)
    }

    It 'drops a column from files LanceDB compacted (files that keep other columns stay), and backfills after' {
        # After compaction a data file holds every column: dropping one keeps the file, as Lance does.
        Remove-GenevaColumn -Table $t -Name shout -Confirm:$false
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text) + ld2' -OutputType int64)
        (Start-GenevaBackfill -Table $t -Column tlen).UdfValuesComputed | Should -Be 301
        $ours = @(Read-GenevaTable $t)
        $r = Invoke-LanceDb @(
            , @('schema', $db, 't')
            , @('scan', $db, 't')
            , @('drop-columns', $db, 't', 'ld2')
            , @('scan', $db, 't')
        )
        @($r[0].fields | ForEach-Object { "$($_.name):$($_.type)" }) | Should -Be @('id:int64', 'text:utf8', 'ld2:int64', 'tlen:int64')
        @(ConvertTo-LanceCanonicalRows -Rows $ours -Columns $r[1].columns) | Should -Be @(ConvertTo-LanceRowLines $r[1].rows)
        foreach ($row in $r[1].rows) { $row.tlen | Should -Be ([string] ($row.text.Length + [long] $row.ld2)) }
        # And we read a table LanceDB dropped a column of.
        $after = @(Read-GenevaTable $t)
        $after[0].psobject.Properties.Name | Should -Be @('id', 'text', 'tlen')
        @(ConvertTo-LanceCanonicalRows -Rows $after -Columns $r[3].columns) | Should -Be @(ConvertTo-LanceRowLines $r[3].rows)
    }
}
