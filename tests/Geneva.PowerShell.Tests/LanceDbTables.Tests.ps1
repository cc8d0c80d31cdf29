# The interop suite of issue 11: tables LanceDB 0.31 makes (tests/interop/lancedb-tables.json, by the seeded generator
# of lancedb-tool.mjs) read by Read-GenevaTable exactly as LanceDB scans them; backfills on LanceDB-made tables, which
# LanceDB then reads, searches and keeps writing; and LanceDB writing from a second process during our backfill.
# Values compare as canonical JSON lines (LanceInteropHelpers.ps1's compiled GenevaLanceCanonical, the tool's scan --lines).

BeforeDiscovery {
    $suite = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../interop/lancedb-tables.json') -Raw | ConvertFrom-Json -AsHashtable
    $script:tableCases = foreach ($version in $suite.storageVersions) {
        foreach ($name in $suite.tables.Keys) {
            @{ Name = $name; Version = $version; Table = $name + ($version -replace '\.', ''); What = $suite.tables[$name].what }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LanceInteropHelpers.ps1')
    Import-LanceCanonical

    # Not in $TestDrive: Pester removes at the end of each block the files made in it, and one LanceDB database
    # folder serves the whole file.
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "geneva-lancedb-tables-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $root | Out-Null

    # Writes $Value as JSON to a file under $root and returns '@<path>', the tool's way to take a JSON argument.
    function New-JsonArgument {
        param([Parameter(Mandatory)] $Value)
        $path = Join-Path $root "arg-$([guid]::NewGuid().ToString('n')).json"
        ConvertTo-Json -InputObject $Value -Depth 20 -Compress | Set-Content -LiteralPath $path -Encoding utf8NoBOM
        "@$path"
    }

    # Our lines against LanceDB's, reported at the first row that differs (both lines, cut short) with the counts.
    # $Ours may be the error our read failed with (Read-OurLines), which is thrown as it is.
    function Assert-SameLines {
        param($Ours, [AllowEmptyCollection()] [string[]] $Theirs, [string] $Because = '')
        if ($Ours -is [Management.Automation.ErrorRecord]) { throw $Ours }
        [string[]] $Ours = $Ours
        $cut = { param($s) $s.Length -gt 400 ? $s.Substring(0, 400) + "... ($($s.Length) characters)" : $s }
        $n = [math]::Min($Ours.Count, $Theirs.Count)
        for ($i = 0; $i -lt $n; $i++) {
            if ($Ours[$i] -cne $Theirs[$i]) {
                # The first column that differs, to keep the message short.
                $o = ConvertFrom-Json $Ours[$i] -AsHashtable -Depth 50
                $t = ConvertFrom-Json $Theirs[$i] -AsHashtable -Depth 50
                $column = @($t.Keys | Where-Object { (ConvertTo-Json -Compress -Depth 50 $o[$_]) -cne (ConvertTo-Json -Compress -Depth 50 $t[$_]) } | Select-Object -First 1)
                $oc = ConvertTo-Json -Compress -Depth 50 $o[$column]
                $tc = ConvertTo-Json -Compress -Depth 50 $t[$column]
                throw "Row $i of $($Theirs.Count) differs$($Because ? " ($Because)" : '') in column '$column':`n  ours:    $(& $cut $oc)`n  LanceDB: $(& $cut $tc)`n  our row:     $(& $cut $Ours[$i])`n  LanceDB row: $(& $cut $Theirs[$i])"
            }
        }
        $Ours.Count | Should -Be $Theirs.Count -Because "LanceDB scans $($Theirs.Count) rows$($Because ? " ($Because)" : '')"
    }

    # Read-GenevaTable's rows of $Path as canonical lines, with the columns of a scan --lines in LanceDB's order;
    # or the error the read failed with, for Assert-SameLines to throw in the test that checks it.
    function Read-OurLines {
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] $Scan)
        try {
            $rows = @(Read-GenevaTable $Path -ErrorAction Stop)
            , [GenevaLanceCanonical]::Lines($rows, [string[]] @($Scan.columns | ForEach-Object name), [string[]] @($Scan.columns | ForEach-Object type))
        }
        catch { $_ }
    }

    # Our rows of a table LanceDB scanned with --lines --hash, against its hashes; at the first row that differs, LanceDB's
    # row is fetched to show both.
    function Assert-SameHashes {
        param([Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Table, [Parameter(Mandatory)] $Scan)
        $rows = @(Read-GenevaTable (Join-Path $Database "$Table.lance") -ErrorAction Stop)
        $ours = [GenevaLanceCanonical]::Lines($rows, [string[]] @($Scan.columns | ForEach-Object name), [string[]] @($Scan.columns | ForEach-Object type))
        $hashes = [GenevaLanceCanonical]::Hashes($ours)
        for ($i = 0; $i -lt [math]::Min($hashes.Count, $Scan.hashes.Count); $i++) {
            if ($hashes[$i] -cne $Scan.hashes[$i]) {
                $theirs = Invoke-LanceDb @('scan', $Database, $Table, '--lines', '--offset', $i, '--limit', 1)
                Assert-SameLines -Ours @($ours[$i]) -Theirs $theirs.lines -Because "row $i of $($Scan.hashes.Count)"
            }
        }
        $hashes.Count | Should -Be $Scan.hashes.Count
    }

    # Read-GenevaTable's rows of $Path, now, against a scan --lines of LanceDB. When they differ, or the read fails,
    # each column is read and compared alone too, and the message lists every column that fails and how: one run
    # tells the decoders' authors all that is left.
    function Assert-ReadsAsLanceDb {
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] $Scan, [string] $Because = '')
        try {
            Assert-SameLines -Ours (Read-OurLines -Path $Path -Scan $Scan) -Theirs ([string[]] $Scan.lines) -Because $Because
        }
        catch {
            $whole = $_
            $columns = foreach ($column in $Scan.columns) {
                try {
                    $rows = @(Read-GenevaTable $Path -Column $column.name -ErrorAction Stop)
                    $ours = [GenevaLanceCanonical]::Lines($rows, [string[]] @($column.name), [string[]] @($column.type))
                    Assert-SameLines -Ours $ours -Theirs ([GenevaLanceCanonical]::Project([string[]] $Scan.lines, $column.name))
                    "  $($column.name) ($($column.type)): reads as LanceDB scans it"
                }
                catch { "  $($column.name) ($($column.type)): FAILS: $(($_.Exception.Message -split "`n")[0..3] -join ' / ')" }
            }
            throw "$($whole.Exception.Message)`nColumn by column:`n$($columns -join "`n")"
        }
    }

    # The data files of a table's folder, by name.
    function Get-DataFileNames { param([string] $Path) @(Get-ChildItem -LiteralPath (Join-Path $Path 'data') -Filter *.lance | ForEach-Object Name | Sort-Object) }

    # A row scriptblock UDF, as text (a scriptblock carries no variables to the worker), that doubles id and, at the
    # row with id = $AtId, raises $Started and waits (60 s at most, then fails) for $Go: the moment another process
    # writes to the table under the backfill.
    function New-PausingUdf {
        param([string] $Name, [string] $Started, [string] $Go, [long] $AtId = 0)
        $text = "param(`$id) if (`$id -eq $AtId) { [IO.File]::WriteAllText('$Started', ''); `$deadline = [DateTime]::UtcNow.AddSeconds(60); " +
            "while (-not [IO.File]::Exists('$Go')) { if ([DateTime]::UtcNow -gt `$deadline) { throw 'no go from LanceDB within 60 s' }; Start-Sleep -Milliseconds 20 } }; `$id * 2"
        New-GenevaUdf -Name $Name -ScriptBlock ([scriptblock]::Create($text)) -OutputType int64
    }

    # Every table of the suite, in every storage version, made and scanned in one node process.
    $suite = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../interop/lancedb-tables.json') -Raw | ConvertFrom-Json -AsHashtable
    $script:made = Join-Path $root 'made'
    New-Item -ItemType Directory -Path $made | Out-Null
    $steps = [Collections.Generic.List[object]]::new()
    $script:tableNames = [Collections.Generic.List[string]]::new()
    foreach ($version in $suite.storageVersions) {
        foreach ($name in $suite.tables.Keys) {
            $spec = [ordered]@{} + $suite.tables[$name]
            $spec.Remove('what')
            $spec.Remove('hash')
            $spec.storageVersion = $version
            $table = $name + ($version -replace '\.', '')
            $tableNames.Add($table)
            $steps.Add(@('create', $made, $table, (New-JsonArgument $spec)))
            # A table of megabytes comes back as each row's SHA-256.
            $steps.Add(@('scan', $made, $table, '--lines') + @($suite.tables[$name].hash ? '--hash' : @()))
        }
    }
    $results = Invoke-LanceDb $steps.ToArray()
    $script:created = @{}
    $script:scans = @{}
    for ($i = 0; $i -lt $tableNames.Count; $i++) {
        $created[$tableNames[$i]] = $results[2 * $i]
        $scans[$tableNames[$i]] = $results[2 * $i + 1]
    }
}

AfterAll {
    if ($root -and (Test-Path -LiteralPath $root)) { Remove-Item -LiteralPath $root -Recurse -Force }
}

Describe 'Tables LanceDB 0.31 made, read by the module' {
    It 'made <Table> as the suite says: <What>, in storage version <Version>' -ForEach $tableCases {
        $path = Join-Path $made "$Table.lance"
        $scan = $scans[$Table]
        $created[$Table].rows | Should -Be ($scan.lines ?? $scan.hashes).Count
        $created[$Table].rows | Should -BeGreaterThan 0
        # Every data file is of the version asked for: the footer ends with major, minor (u16 each) and "LANC".
        $major, $minor = $Version -eq '2.0' ? @(0, 3) : @(2, 1)
        $files = @(Get-ChildItem -LiteralPath (Join-Path $path 'data') -Filter *.lance)
        $files.Count | Should -Be $created[$Table].fragments
        foreach ($file in $files) {
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 4, 4) | Should -Be 'LANC'
            "$([BitConverter]::ToUInt16($bytes, $bytes.Length - 8)).$([BitConverter]::ToUInt16($bytes, $bytes.Length - 6))" | Should -Be "$major.$minor"
        }
        if ($Name -eq 'deletes') {
            # Over 5,000 deleted rows in fragment 0: a roaring bitmap (.bin); 10 in fragment 1: an Arrow file.
            @(Get-ChildItem -LiteralPath (Join-Path $path '_deletions') | ForEach-Object { $_.Name -replace '^(\d+)-.*\.(\w+)$', '$1.$2' } | Sort-Object) |
                Should -Be @('0.bin', '1.arrow')
            $scan.lines.Count | Should -Be (7000 - 5400 - 10)
        }
    }

    It 'reads <Table> (<What>, storage version <Version>) value for value as LanceDB scans it' -ForEach $tableCases {
        if ($scans[$Table].hashes) { Assert-SameHashes -Database $made -Table $Table -Scan $scans[$Table] }
        else { Assert-ReadsAsLanceDb -Path (Join-Path $made "$Table.lance") -Scan $scans[$Table] }
    }

    It 'counts the live rows of <Table> as LanceDB does' -ForEach $tableCases {
        (Get-GenevaTable -Path (Join-Path $made "$Table.lance")).RowCount | Should -Be ($scans[$Table].lines ?? $scans[$Table].hashes).Count
    }
}

Describe 'Backfilling a table LanceDB made (storage version 2.1, its default)' {
    BeforeAll {
        $script:db = Join-Path $root 'bf'
        New-Item -ItemType Directory -Path $db | Out-Null
        $script:t = Join-Path $db 't.lance'
        $spec = @{
            schema         = @(
                @{ name = 'id'; type = 'int64'; nullable = $false; gen = @{ kind = 'seq' } }
                @{ name = 'text'; type = 'utf8'; nullable = $false; gen = @{ kind = 'unique'; minLength = 3; maxLength = 40 } }
                @{ name = 'vec'; type = 'fixed_size_list<float32>[8]'; nullable = $false }
                @{ name = 'feat'; type = 'fixed_size_list<float32>[4]'; nullable = $false; gen = @{ kind = 'range'; lo = -1; hi = 1 } }
            )
            generate       = @{ seed = 21; fragments = @(400, 400, 200) }
            storageVersion = '2.1'
        }
        Invoke-LanceDb @('create', $db, 't', (New-JsonArgument $spec)) | Out-Null
        $script:flag = Join-Path $root 'bf-fixed'

        $script:info = Get-GenevaTable -Path $t
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Add-GenevaColumn -Table $t -Name shout -Udf (New-GenevaUdf -Name shout -OutputType utf8 -ScriptBlock { param($text) $text.ToUpperInvariant() + '!' })
        Add-GenevaColumn -Table $t -Name slen -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName StringLength)
        # The model (TorchScript from PyTorch: tanh(Linear(4, 3))).
        Add-GenevaColumn -Table $t -Name emb -Udf (New-GenevaUdf -Name emb -Model (Join-Path $PSScriptRoot '../models/linear4to3.pt') `
                -InputColumn feat -OutputType 'fixed_size_list<float32>[3]' -BatchSize 64)
        # A scriptblock that fails at row 650 until $flag exists.
        $failing = "param(`$id) if (`$id -eq 650 -and -not [IO.File]::Exists('$flag')) { throw 'row 650 is not ready' }; `$id * 2"
        Add-GenevaColumn -Table $t -Name twice -Udf (New-GenevaUdf -Name twice -ScriptBlock ([scriptblock]::Create($failing)) -OutputType int64)

        # The expression: a plan, then -Where, -NumFrags and the rest.
        $script:plan = Get-GenevaBackfillPlan -Table $t -Column tlen
        $script:wherePlan = Get-GenevaBackfillPlan -Table $t -Column tlen -Where 'id < 500'
        $script:whereRun = Start-GenevaBackfill -Table $t -Column tlen -Where 'id < 500' -Concurrency 1
        $script:numFragsRun = Start-GenevaBackfill -Table $t -Column tlen -NumFrags 1 -Concurrency 1
        $script:restRun = Start-GenevaBackfill -Table $t -Column tlen -Concurrency 1
        # The scriptblock, a version per fragment.
        $backfillsBefore = @(Get-GenevaTableVersion $t | Where-Object Operation -eq backfill).Count
        $script:shoutRun = Start-GenevaBackfill -Table $t -Column shout -CommitGranularity 1 -Concurrency 1
        $script:shoutVersions = @(Get-GenevaTableVersion $t | Where-Object Operation -eq backfill).Count - $backfillsBefore
        # The .NET UDF, as a PowerShell job.
        $job = Start-GenevaBackfill -Table $t -Column slen -AsJob
        $script:jobDone = $job | Wait-Job -Timeout 120
        $script:jobState = $job.State
        $script:slenRun = $job | Receive-Job
        $job | Remove-Job -Force
        $script:embRun = Start-GenevaBackfill -Table $t -Column emb -Concurrency 1
        # A job that fails at row 650 (fragment 1), then resumes once the row is fixed.
        $script:failure = try { Start-GenevaBackfill -Table $t -Column twice -CommitGranularity 1 -Concurrency 1 -ErrorAction Stop; $null } catch { $_ }
        $script:failedJob = Get-GenevaJob $t | Where-Object Column -eq twice
        New-Item -ItemType File -Path $flag | Out-Null
        $script:resumed = Resume-GenevaBackfill -Table $t -Concurrency 1

        $row77 = (Invoke-LanceDb @('scan', $db, 't', '--where', 'id = 77 OR id = 123', '--columns', 'vec,emb')).rows
        $script:vec77 = ConvertTo-Json -Compress -InputObject @($row77[0].vec)
        $script:emb123 = ConvertTo-Json -Compress -InputObject @($row77[1].emb)
        $script:a = Invoke-LanceDb @(
            , @('scan', $db, 't', '--lines')                                                     # 0
            , @('count', $db, 't', '--where', 'tlen = length(text) AND slen = tlen AND shout = upper(text) || ''!'' AND twice = id * 2') # 1
            , @('search', $db, 't', 'vec', $vec77, '3', '--columns', 'id,tlen')                   # 2
            , @('search', $db, 't', 'vec', $vec77, '1', '--columns', 'id', '--where', 'id <> 77 AND twice > 1000') # 3
            , @('search', $db, 't', 'emb', $emb123, '1', '--columns', 'id')                    # 4
        )
        $script:oursA = Read-OurLines -Path $t -Scan $a[0]
    }

    It 'opens the LanceDB table with Get-GenevaTable -Path' {
        $info.RowCount | Should -Be 1000
        $info.FragmentCount | Should -Be 3
        $info.Schema | Should -Be 'id:int64, text:utf8, vec:fixed_size_list<float32>[8], feat:fixed_size_list<float32>[4]'
    }

    It 'plans the whole table, and -Where''s rows' {
        $plan.FragmentCount | Should -Be 3
        $plan.RowsToCompute | Should -Be 1000
        $wherePlan.RowsToCompute | Should -Be 500
    }

    It 'backfills an expression with -Where, then -NumFrags, then the rest' {
        ($whereRun.Status, $whereRun.UdfValuesComputed) | Should -Be @('Done', 500)
        ($numFragsRun.FragmentsCommitted, $numFragsRun.FragmentsDeferred, $numFragsRun.UdfValuesComputed) | Should -Be @(1, 1, 300)
        ($restRun.Status, $restRun.UdfValuesComputed) | Should -Be @('Done', 200)
    }

    It 'backfills a scriptblock with -CommitGranularity 1: a version per fragment' {
        ($shoutRun.Status, $shoutRun.UdfValuesComputed) | Should -Be @('Done', 1000)
        $shoutVersions | Should -Be 3
    }

    It 'backfills a .NET UDF with -AsJob' {
        $jobDone | Should -Not -BeNullOrEmpty -Because 'the job ends within 120 s'
        $jobState | Should -Be 'Completed'
        ($slenRun.Status, $slenRun.UdfValuesComputed) | Should -Be @('Done', 1000)
    }

    It 'backfills a model' {
        ($embRun.Status, $embRun.UdfValuesComputed) | Should -Be @('Done', 1000)
    }

    It 'resumes a failed job: the committed fragment is not computed again' {
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'UdfFailed,*'
        $failedJob.Status | Should -Be 'Failed'
        $resumed.Status | Should -Be 'Done'
        $resumed.JobId | Should -Be $failedJob.JobId
        $resumed.RunRowsDone | Should -BeLessOrEqual 600 -Because 'fragment 0 (400 rows) was committed before row 650 failed'
        $resumed.RowsCheckpointed | Should -Be 1000 -Because "the job's counts go on from the failed run's"
    }

    It 'leaves a table LanceDB scans as the module reads it, with every value right by LanceDB''s own SQL' {
        Assert-SameLines -Ours $oursA -Theirs $a[0].lines
        $a[0].lines.Count | Should -Be 1000
        $a[1].count | Should -Be 1000
    }

    It 'leaves a table LanceDB searches, with and without a filter on our columns' {
        $a[2].rows[0].id | Should -Be '77'
        $a[2].rows[0]._distance | Should -Be '0'
        $a[2].rows.Count | Should -Be 3
        $a[3].rows[0].id | Should -Not -Be '77'
        [long] $a[3].rows[0].id | Should -BeGreaterThan 500
        # The model's embedding of row 123 finds row 123.
        $a[4].rows[0].id | Should -Be '123'
        $a[4].rows[0]._distance | Should -Be '0'
    }

    Context 'LanceDB keeps writing; an incremental run fills its appended rows' {
        BeforeAll {
            $appended = @(1000..1059 | ForEach-Object { [ordered]@{ id = "$_"; text = "appended $_ $([char] 0x65e5)"; vec = @(0..7 | ForEach-Object { "$($_ + 0.5)" }); feat = @('0.5', '-0.25', '0.125', '1') } })
            $script:b = Invoke-LanceDb @(
                , @('append', $db, 't', (New-JsonArgument $appended))                                        # 0
                , @('delete', $db, 't', 'id % 10 = 3')                                                       # 1
                , @('add-columns', $db, 't', 'id3', 'id * 3')                                                # 2
                , @('create-index', $db, 't', 'id')                                                          # 3
                , @('create-index', $db, 't', 'vec', '--type', 'ivf_pq', '--num-partitions', '2', '--num-sub-vectors', '2') # 4
                , @('scan', $db, 't', '--lines')                                                             # 5
            )
            $script:oursB = Read-OurLines -Path $t -Scan $b[5]
            $script:beforeIncremental = @(Read-GenevaTable $t -Column id, tlen, shout, slen, twice, emb, id3 -Where 'id >= 1000')
            $script:incremental = foreach ($column in 'tlen', 'shout', 'slen', 'twice', 'emb') { Start-GenevaBackfill -Table $t -Column $column -Concurrency 1 }
            $script:c = Invoke-LanceDb @(
                , @('scan', $db, 't', '--lines')                                                             # 0
                , @('count', $db, 't', '--where', 'tlen = length(text) AND slen = tlen AND shout = upper(text) || ''!'' AND twice = id * 2 AND id3 = id * 3') # 1
                , @('list-indices', $db, 't')                                                                # 2
                , @('search', $db, 't', 'vec', $vec77, '1', '--columns', 'id', '--nprobes', '2', '--refine-factor', '400') # 3
                , @('count', $db, 't', '--where', 'id = 1042')                                              # 4: through the btree index
            )
            $script:oursC = Read-OurLines -Path $t -Scan $c[0]
            # LanceDB's optimize() as it runs by default: compaction, keeping the versions of the last week.
            $script:d = Invoke-LanceDb @(
                , @('optimize', $db, 't', '--keep-versions')                                                # 0
                , @('scan', $db, 't', '--lines')                                                             # 1
                , @('count', $db, 't', '--where', 'tlen = length(text) AND slen = tlen AND shout = upper(text) || ''!'' AND twice = id * 2 AND id3 = id * 3') # 2
                , @('count', $db, 't', '--where', 'NOT (id < 500)')                                        # 3
            )
            $script:oursD = Read-OurLines -Path $t -Scan $d[1]
            $script:plansAfterCompaction = foreach ($column in 'tlen', 'shout', 'slen', 'twice', 'emb') {
                try { $p = Get-GenevaBackfillPlan -Table $t -Column $column -ErrorAction Stop; "$($column):$($p.RowsToCompute)" } catch { "$($column):$($_.Exception.Message)" }
            }
            # Then a cleanup of every older version.
            $script:e = Invoke-LanceDb @(@('optimize', $db, 't'), @('scan', $db, 't', '--lines'), @('versions', $db, 't'))
            $script:oursE = Read-OurLines -Path $t -Scan $e[1]
            $script:live = 1000 - 100 + 54
        }

        It 'reads what LanceDB appended, deleted and added, as LanceDB scans it' {
            Assert-SameLines -Ours $oursB -Theirs $b[5].lines
            $b[5].lines.Count | Should -Be $live
            $beforeIncremental.Count | Should -Be 54
            @($beforeIncremental | Where-Object { $null -ne $_.tlen -or $null -ne $_.shout -or $null -ne $_.twice -or $null -ne $_.emb }) | Should -BeNullOrEmpty
        }

        It 'computes exactly the live rows LanceDB appended, for every UDF kind' {
            @($incremental | ForEach-Object { "$($_.Column):$($_.Status):$($_.UdfValuesComputed)" }) |
                Should -Be @('tlen:Done:54', 'shout:Done:54', 'slen:Done:54', 'twice:Done:54', 'emb:Done:54')
        }

        It 'leaves a table LanceDB reads exactly, with every value right and its indexes carried through our commits' {
            Assert-SameLines -Ours $oursC -Theirs $c[0].lines
            $c[1].count | Should -Be $live
            @($c[2].indices | ForEach-Object { "$($_.name):$($_.indexType)" } | Sort-Object) | Should -Be @('id_idx:BTree', 'vec_idx:IvfPq')
            $c[3].rows[0].id | Should -Be '77'
            $c[4].count | Should -Be 1
        }

        It 'reads the table LanceDB compacted after our commits' {
            $d[0].compaction.fragmentsRemoved | Should -BeGreaterThan 0
            Assert-SameLines -Ours $oursD -Theirs $d[1].lines
            $d[2].count | Should -Be $live
        }

        It 'has nothing left to compute after LanceDB''s compaction: the values it moved still count as computed' {
            # tlen's first fragment was filled by its -Where 'id < 500' run alone, so only that filter is known to cover
            # the rows compaction merged it with: the rows outside it are computed again (correct, not minimal).
            $plansAfterCompaction | Should -Be @("tlen:$($d[3].count)", 'shout:0', 'slen:0', 'twice:0', 'emb:0')
        }

        It 'reads the table after LanceDB''s cleanup of older versions' {
            @($e[2].versions).Count | Should -Be 1
            Assert-SameLines -Ours $oursE -Theirs $e[1].lines
        }
    }
}

Describe 'LanceDB writing from a second process during our backfill' {
    BeforeAll {
        # A fresh LanceDB table (2.1) per scenario, and a column whose UDF pauses at id 0 until LanceDB has written.
        function New-PausedScenario {
            param([string] $Name, [int[]] $Fragments, [int] $Seed)
            $db = Join-Path $root $Name
            New-Item -ItemType Directory -Path $db | Out-Null
            $spec = @{
                schema         = @(@{ name = 'id'; type = 'int64'; nullable = $false; gen = @{ kind = 'seq' } }, @{ name = 'text'; type = 'utf8'; gen = @{ kind = 'unique'; nullFraction = 0 } })
                generate       = @{ seed = $Seed; fragments = $Fragments }
                storageVersion = '2.1'
            }
            Invoke-LanceDb @('create', $db, 't', (New-JsonArgument $spec)) | Out-Null
            $s = [pscustomobject]@{ Db = $db; Table = Join-Path $db 't.lance'; Started = Join-Path $db 'started.flag'; Go = Join-Path $db 'go.flag' }
            Add-GenevaColumn -Table $s.Table -Name slow -Udf (New-PausingUdf -Name slow -Started $s.Started -Go $s.Go)
            $s
        }

        # Runs our backfill of 'slow' while a node process waits for the UDF's pause, runs $Steps, and lets it go on.
        function Invoke-BackfillUnderLanceDb {
            param($Scenario, [object[]] $Steps)
            $lance = Start-LanceDbProcess (@(, @('wait-file', $Scenario.Started, '--timeout-ms', '60000')) + $Steps + @(, @('touch-file', $Scenario.Go)))
            $out = @{}
            try {
                $out.Run = try { Start-GenevaBackfill -Table $Scenario.Table -Column slow -Concurrency 1 -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop } catch { $_ }
                $out.Warnings = @($warnings | ForEach-Object { "$_" })
            }
            finally {
                $out.Lance = Wait-LanceDbProcess $lance -TimeoutSeconds 90
            }
            $out
        }

        function Assert-Done { param($Run) if ($Run -is [Management.Automation.ErrorRecord]) { throw $Run }; $Run.Status | Should -Be 'Done' }
    }

    Context 'LanceDB deletes and appends while we compute' {
        BeforeAll {
            $script:s = New-PausedScenario -Name 'during-writes' -Fragments 300, 300 -Seed 31
            $appended = @(600..619 | ForEach-Object { [ordered]@{ id = "$_"; text = "appended $_" } })
            $script:first = Invoke-BackfillUnderLanceDb $s @(
                , @('delete', $s.Db, 't', 'id % 10 = 3')
                , @('append', $s.Db, 't', (New-JsonArgument $appended))
            )
            $script:after = Invoke-LanceDb @(
                , @('scan', $s.Db, 't', '--lines')                                       # 0
                , @('count', $s.Db, 't', '--where', 'slow IS NOT NULL')                  # 1
                , @('count', $s.Db, 't', '--where', 'slow = id * 2')                     # 2
                , @('count', $s.Db, 't', '--where', 'id % 10 = 3 AND id < 600')         # 3
                , @('count', $s.Db, 't', '--where', 'id >= 600 AND slow IS NULL')        # 4
            )
            $script:oursAfter = Read-OurLines -Path $s.Table -Scan $after[0]
            # The next run fills the rows LanceDB appended, and only those.
            $script:again = try { Start-GenevaBackfill -Table $s.Table -Column slow -Concurrency 1 -ErrorAction Stop } catch { $_ }
            $script:final = Invoke-LanceDb @(@('scan', $s.Db, 't', '--lines'), @('count', $s.Db, 't', '--where', 'slow = id * 2'))
            $script:oursFinal = Read-OurLines -Path $s.Table -Scan $final[0]
        }

        It 'commits our backfill over LanceDB''s delete and append' {
            Assert-Done $first.Run
            $first.Lance[1].version | Should -BeGreaterThan 1
        }

        It 'keeps LanceDB''s deletes: no deleted row comes back' {
            $after[3].count | Should -Be 0
            $after[0].lines.Count | Should -Be 560
        }

        It 'keeps LanceDB''s appended rows, without values' {
            $after[4].count | Should -Be 20
        }

        It 'commits the values of the rows that are still live, and LanceDB reads them as we do' {
            $after[1].count | Should -Be 540
            $after[2].count | Should -Be 540
            Assert-SameLines -Ours $oursAfter -Theirs $after[0].lines
        }

        It 'does not count the values of rows LanceDB deleted meanwhile' {
            Assert-Done $first.Run
            $first.Run.UdfValuesComputed | Should -Be 540
            @($first.Run.RowsPlanned, $first.Run.RowsCheckpointed, $first.Run.RowsCommitted) | Should -Be @(540, 540, 540) -Because 'a done job has checkpointed what it planned'
        }

        It 'fills the rows LanceDB appended in the next run, and only those' {
            Assert-Done $again
            $again.UdfValuesComputed | Should -Be 20
            $final[1].count | Should -Be 560
            Assert-SameLines -Ours $oursFinal -Theirs $final[0].lines
        }
    }

    Context 'LanceDB compacts the fragments we compute' {
        BeforeAll {
            $script:s = New-PausedScenario -Name 'during-compaction' -Fragments 200, 200, 200 -Seed 32
            $script:filesBefore = Get-DataFileNames $s.Table
            $script:versionBefore = (Get-GenevaTable $s.Table).Version
            $script:first = Invoke-BackfillUnderLanceDb $s @(, @('optimize', $s.Db, 't', '--keep-versions'))
            $script:filesAfter = Get-DataFileNames $s.Table
            $script:after = Invoke-LanceDb @(@('scan', $s.Db, 't', '--lines'), @('count', $s.Db, 't', '--where', 'slow IS NULL'))
            $script:oursAfter = Read-OurLines -Path $s.Table -Scan $after[0]
            $script:again = try { Start-GenevaBackfill -Table $s.Table -Column slow -Concurrency 1 -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop } catch { $_ }
            $script:warningsAgain = @($w | ForEach-Object { "$_" })
            $script:final = Invoke-LanceDb @(@('scan', $s.Db, 't', '--lines'), @('count', $s.Db, 't', '--where', 'slow = id * 2'))
            $script:oursFinal = Read-OurLines -Path $s.Table -Scan $final[0]
        }

        It 'had LanceDB rewrite every fragment during our run' {
            $first.Lance[1].compaction.fragmentsRemoved | Should -Be 3
        }

        It 'leaves the rewritten fragments out of our commit, and LanceDB reads the table as we do' {
            if ($first.Run -is [Management.Automation.ErrorRecord]) { throw $first.Run }
            $first.Run.FragmentsCommitted | Should -Be 0
            $after[0].lines.Count | Should -Be 600
            $after[1].count | Should -Be 600
            Assert-SameLines -Ours $oursAfter -Theirs $after[0].lines
        }

        It 'warns that the backfill must run again' {
            @($first.Warnings | Where-Object { $_ -like '*again*' }) | Should -Not -BeNullOrEmpty -Because "the warning says to run the backfill again (warnings: $($first.Warnings -join ' | '))"
        }

        It 'writes no column file for a fragment that no longer exists' {
            # Only LanceDB's compacted file is new.
            @($filesAfter | Where-Object { $_ -notin $filesBefore }).Count | Should -Be $first.Lance[1].compaction.fragmentsAdded
        }

        It 'finishes them in the re-run' {
            Assert-Done $again
            $again.UdfValuesComputed | Should -Be 600
            $warningsAgain | Should -BeNullOrEmpty
            $final[1].count | Should -Be 600
            Assert-SameLines -Ours $oursFinal -Theirs $final[0].lines
            (Get-GenevaTable $s.Table).Version | Should -BeGreaterThan $versionBefore
        }
    }
}
