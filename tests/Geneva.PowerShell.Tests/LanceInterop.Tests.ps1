# The interop suite of issue 10: LanceDB 0.31 itself (tests/interop, installed by build.ps1 -Task Test with npm ci)
# opens, reads, filters, searches and keeps writing to tables the module makes, and the module reads what LanceDB
# wrote. Values are compared exactly, as canonical JSON lines (LanceInteropHelpers.ps1, lancedb-tool.mjs).
# The first Describe proves the harness itself against tables LanceDB made.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LanceInteropHelpers.ps1')
    $script:LanceFixtures = Join-Path $PSScriptRoot '../Geneva.Core.Tests/Fixtures/lance'
    $script:Models = Join-Path $PSScriptRoot '../models'

    # Writes $Value as JSON to a file in $TestDrive and returns '@<path>', the tool's way to take a JSON argument.
    function New-JsonArgument {
        param([Parameter(Mandatory)] $Value, [string] $Name = "arg-$([guid]::NewGuid().ToString('n')).json")
        $path = Join-Path $TestDrive $Name
        ConvertTo-Json -InputObject $Value -Depth 20 -Compress | Set-Content -LiteralPath $path -Encoding utf8NoBOM
        "@$path"
    }

    # A JSON array text of canonical row lines.
    function Join-RowLines { param([string[]] $Lines) '[' + ($Lines -join ',') + ']' }

    # Characters as SQL's length() counts them: code points, so an emoji (two UTF-16 units) is one.
    function Get-CodePointCount { param([string] $Text) @($Text.EnumerateRunes()).Count }

    # Distances as LanceDB's default (L2: the squared Euclidean distance), in double precision.
    function Get-SquaredDistance {
        param([float[]] $A, [float[]] $B)
        $sum = 0.0
        for ($k = 0; $k -lt $A.Count; $k++) { $d = [double] $A[$k] - [double] $B[$k]; $sum += $d * $d }
        $sum
    }

    $script:NegativeZero32 = [BitConverter]::Int32BitsToSingle([int]::MinValue)
    $script:NegativeZero64 = [BitConverter]::Int64BitsToDouble([long]::MinValue)
    $script:Epoch = [DateTime]::new(1970, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
}

Describe 'lancedb-tool.mjs, the interop harness, on tables LanceDB made' {
    BeforeAll {
        $script:h = Join-Path $TestDrive 'harness'
        $fixtures = Join-Path $TestDrive 'fixtures'
        New-Item -ItemType Directory -Path $h, $fixtures | Out-Null
        # Copies: LanceDB writes into a database folder it opens (its __manifest), and the repository stays untouched.
        Copy-Item -Recurse (Join-Path $LanceFixtures 'small.lance'), (Join-Path $LanceFixtures 'bitmap.lance') $fixtures
        $script:fixtures = $fixtures

        # Every type Geneva supports, as the module's reads return them (.NET types), with edges, empties and nulls.
        $script:edgeColumns = @(
            @{ name = 'id'; type = 'int64' }, @{ name = 'i8'; type = 'int8' }, @{ name = 'i16'; type = 'int16' },
            @{ name = 'i32'; type = 'int32' }, @{ name = 'i64'; type = 'int64' }, @{ name = 'u8'; type = 'uint8' },
            @{ name = 'u16'; type = 'uint16' }, @{ name = 'u32'; type = 'uint32' }, @{ name = 'u64'; type = 'uint64' },
            @{ name = 'f32'; type = 'float32' }, @{ name = 'f64'; type = 'float64' }, @{ name = 'flag'; type = 'bool' },
            @{ name = 'text'; type = 'utf8' }, @{ name = 'bin'; type = 'binary' }, @{ name = 'day'; type = 'date32' },
            @{ name = 'at'; type = 'timestamp[us]' }, @{ name = 'ints'; type = 'list<int32>' },
            @{ name = 'vec'; type = 'fixed_size_list<float32>[4]' }
        ) | ForEach-Object { [pscustomobject] $_ }
        $script:edgeRows = @(
            [pscustomobject][ordered]@{
                id = [long] 0; i8 = [sbyte]::MinValue; i16 = [int16]::MinValue; i32 = [int]::MinValue; i64 = [long]::MinValue
                u8 = [byte] 0; u16 = [uint16] 0; u32 = [uint32] 0; u64 = [uint64] 0
                f32 = $NegativeZero32; f64 = [double]::Epsilon; flag = $false; text = ''; bin = [byte[]] @()
                day = [DateTime]::new(1969, 12, 31); at = [DateTimeOffset]::new(1969, 12, 31, 23, 59, 59, [TimeSpan]::Zero).AddTicks(9999990)
                ints = [int[]] @(); vec = [float[]] @(0, $NegativeZero32, [float]::Epsilon, -1.5)
            }
            [pscustomobject][ordered]@{
                id = [long] 1; i8 = [sbyte]::MaxValue; i16 = [int16]::MaxValue; i32 = [int]::MaxValue; i64 = [long]::MaxValue
                u8 = [byte]::MaxValue; u16 = [uint16]::MaxValue; u32 = [uint32]::MaxValue; u64 = [uint64]::MaxValue
                f32 = [float]::MaxValue; f64 = [double]::NaN; flag = $true; text = "h`u{e9}llo w`u{f6}rld `u{65e5}`u{672c} `u{1F389} `"q`" \ `n`t`u{1}"
                bin = [byte[]] (0..255); day = [DateTime]::new(9999, 12, 31); at = [DateTimeOffset]::new(9999, 12, 31, 23, 59, 59, [TimeSpan]::Zero).AddTicks(9999990)
                ints = [object[]] @([int]::MinValue, $null, [int]::MaxValue); vec = [float[]] @([float]::MaxValue, [float]::MinValue, 0.1, 1e-10)
            }
            [pscustomobject][ordered]@{
                id = [long] 2; i8 = [sbyte] -1; i16 = [int16] 300; i32 = [int] 70000; i64 = [long] 1 -shl 53
                u8 = [byte] 128; u16 = [uint16] 40000; u32 = [uint32] 3000000000; u64 = [uint64] 9223372036854775808
                f32 = [float]::NaN; f64 = $NegativeZero64; flag = $true; text = 'x' * 300
                bin = [byte[]] @(0); day = [DateTime]::new(1970, 1, 1); at = [DateTimeOffset]::new(2026, 12, 1, 12, 0, 0, [TimeSpan]::Zero)
                ints = [int[]] @(7); vec = [float[]] @(1, 2, 3, 4)
            }
            [pscustomobject][ordered]@{
                id = [long] 3; i8 = $null; i16 = $null; i32 = $null; i64 = $null; u8 = $null; u16 = $null; u32 = $null; u64 = $null
                f32 = $null; f64 = $null; flag = $null; text = $null; bin = $null; day = $null; at = $null; ints = $null; vec = $null
            }
            [pscustomobject][ordered]@{
                id = [long] 4; i8 = [sbyte] 5; i16 = [int16] -5; i32 = [int] 5; i64 = [long] -5; u8 = [byte] 5; u16 = [uint16] 5
                u32 = [uint32] 5; u64 = [uint64] 5; f32 = [float]::PositiveInfinity; f64 = [double]::NegativeInfinity; flag = $false
                text = 'row 4'; bin = [byte[]] @(1, 2, 3); day = [DateTime]::new(2000, 2, 29)
                at = [DateTimeOffset]::new(1900, 1, 1, 0, 0, 0, [TimeSpan]::Zero).AddTicks(10)
                ints = [int[]] @(1, 2, 3, 4, 5); vec = [float[]] @(-0.5, 0.25, 1e30, 3.4e-38)
            }
        )
        $edgeLines = @(ConvertTo-LanceCanonicalRows -Rows $edgeRows -Columns $edgeColumns)
        $edgeSpec = @{
            schema    = @($edgeColumns | ForEach-Object { @{ name = $_.name; type = $_.type; metadata = $_.name -eq 'text' ? @{ 'geneva.test' = 'kept' } : @{} } })
            # Two fragments: a create and an add.
            fragments = @((ConvertFrom-Json (Join-RowLines $edgeLines[0..2]) -AsHashtable -NoEnumerate),
                (ConvertFrom-Json (Join-RowLines $edgeLines[3..4]) -AsHashtable -NoEnumerate))
        }
        $script:edgeLines = $edgeLines

        # Seeded tables of every type, in both storage versions LanceDB writes (2.1 is its default).
        $generated = @{
            schema   = @($edgeColumns | ForEach-Object { @{ name = $_.name; type = $_.name -eq 'vec' ? 'fixed_size_list<float32>[8]' : $_.type; nullable = $_.name -ne 'id' } })
            generate = @{ seed = 20261201; fragments = @(60, 45, 7); nullFraction = 0.15; rowNumberColumn = 'id' }
            echo     = $true
        }
        $gen21 = $generated.Clone(); $gen21.storageVersion = '2.1'
        $gen20 = $generated.Clone(); $gen20.storageVersion = '2.0'

        # A table for LanceDB's own writes: 20 rows in two fragments, metadata on a field.
        $opsRows = 0..19 | ForEach-Object {
            [ordered]@{ id = "$_"; text = "row $_"; vec = @("$_", '1', "$(-$_)", '0.5') }
        }
        $opsSpec = @{
            schema    = @(@{ name = 'id'; type = 'int64' }, @{ name = 'text'; type = 'utf8'; metadata = @{ 'geneva.binding' = '{"udf":"x"}' } },
                @{ name = 'vec'; type = 'fixed_size_list<float32>[4]' })
            fragments = @(@($opsRows[0..9]), @($opsRows[10..19]))
        }
        $appended = @([ordered]@{ id = '100'; text = 'new'; vec = @('100', '1', '-100', '0.5') }, [ordered]@{ id = '101' })

        # Seeded random doubles and float32 values, and the edges, for the float format.
        $random = [Random]::new(20261201)
        $bytes = [byte[]]::new(8)
        $script:floatBits = [Collections.Generic.List[string]]::new()
        for ($i = 0; $i -lt 800; $i++) { $random.NextBytes($bytes); $floatBits.Add([BitConverter]::ToUInt64($bytes, 0).ToString('x16')) }
        for ($i = 0; $i -lt 400; $i++) {
            $f = [float] ($random.NextDouble() * [math]::Pow(10, $random.Next(-45, 39)))
            $floatBits.Add([BitConverter]::DoubleToInt64Bits([double] $f).ToString('x16'))
        }
        foreach ($d in @(1e21, 1e-7, 1e-6, 123456789012345680000.0, [double]::Epsilon, [double]::MaxValue, 0.1, (1 / 3), 1e20, 100, -2.5e-300, 0.000001234)) {
            $floatBits.Add([BitConverter]::DoubleToInt64Bits($d).ToString('x16'))
        }

        $script:r = Invoke-LanceDb @(
            , @('create', $h, 'edge', (New-JsonArgument $edgeSpec))                        # 0
            , @('scan', $h, 'edge')                                                         # 1
            , @('schema', $h, 'edge')                                                       # 2
            , @('create', $h, 'gen21', (New-JsonArgument $gen21))                           # 3
            , @('scan', $h, 'gen21')                                                        # 4
            , @('create', $h, 'gen20', (New-JsonArgument $gen20))                           # 5
            , @('scan', $h, 'gen20')                                                        # 6
            , @('scan', $fixtures, 'small', '--with-row-address')                           # 7
            , @('scan', $fixtures, 'small', '--version', '1')                               # 8
            , @('versions', $fixtures, 'small')                                             # 9
            , @('count', $fixtures, 'small', '--where', 'id > 5')                           # 10
            , @('scan', $fixtures, 'small', '--where', "text = 'row 3'", '--columns', 'id') # 11
            , @('search', $fixtures, 'small', 'vector', '[8, 8.5, -8, 0.25]', '3', '--columns', 'id') # 12
            , @('count', $fixtures, 'bitmap')                                               # 13
            , @('scan', $fixtures, 'bitmap', '--columns', 'id')                             # 14
            , @('list-tables', $fixtures)                                                   # 15
            , @('create', $h, 'ops', (New-JsonArgument $opsSpec))                           # 16
            , @('delete', $h, 'ops', 'id % 5 = 1')                                          # 17
            , @('append', $h, 'ops', (New-JsonArgument $appended))                          # 18
            , @('add-columns', $h, 'ops', 'id2', 'id * 2')                                  # 19
            , @('scan', $h, 'ops', '--with-row-address')                                    # 20
            , @('create-index', $h, 'ops', 'id')                                            # 21
            , @('create-index', $h, 'ops', 'vec', '--type', 'ivf_flat', '--num-partitions', '2') # 22
            , @('optimize', $h, 'ops')                                                      # 23
            , @('scan', $h, 'ops', '--with-row-address')                                    # 24
            , @('schema', $h, 'ops')                                                        # 25
            , @('versions', $h, 'ops')                                                      # 26
            , @('list-indices', $h, 'ops')                                                  # 27
            , @('search', $h, 'ops', 'vec', '[13, 1, -13, 0.5]', '2', '--columns', 'id')    # 28
            , @('canon-float', (New-JsonArgument $floatBits.ToArray()))                     # 29
            , @('scan', $h, 'edge', '--columns', 'id', '--where', "day = DATE '1969-12-31' OR day = DATE '2000-02-29'")                      # 30
            , @('scan', $h, 'edge', '--columns', 'id', '--where', "at = TIMESTAMP '1969-12-31 23:59:59.999999' OR at = TIMESTAMP '1900-01-01 00:00:00.000001'") # 31
            , @('scan', $h, 'edge', '--columns', 'id', '--where', "bin = X'010203' OR bin = X'$((0..255 | ForEach-Object { '{0:x2}' -f $_ }) -join '')'") # 32
            , @('scan', $h, 'edge', '--columns', 'id', '--where', "u64 = arrow_cast('18446744073709551615', 'UInt64') AND i64 = 9223372036854775807 AND isnan(f64)") # 33
            , @('scan', $h, 'edge', '--columns', 'id', '--where', "day = DATE '9999-12-31' AND at > TIMESTAMP '9999-12-31 23:59:59.999998' AND i8 = 127") # 34
        )
    }

    It 'writes the canonical form PowerShell makes of .NET values as the documented literals' {
        # Written by hand from the canonical form's definition (LanceInteropHelpers.ps1), not by either converter.
        $edgeLines[0] | Should -BeExactly ('{"id":"0","i8":-128,"i16":-32768,"i32":-2147483648,"i64":"-9223372036854775808","u8":0,"u16":0,' +
            '"u32":0,"u64":"0","f32":"-0","f64":"5e-324","flag":false,"text":"","bin":"","day":-1,"at":"-1","ints":[],' +
            '"vec":["0","-0","1.401298464324817e-45","-1.5"]}')
        $text = ConvertTo-Json -InputObject $edgeRows[1].text -Compress
        $edgeLines[1] | Should -BeExactly ('{"id":"1","i8":127,"i16":32767,"i32":2147483647,"i64":"9223372036854775807","u8":255,"u16":65535,' +
            '"u32":4294967295,"u64":"18446744073709551615","f32":"3.4028234663852886e+38","f64":"NaN","flag":true,"text":' + $text + ',' +
            '"bin":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==",' +
            '"day":2932896,"at":"253402300799999999","ints":[-2147483648,null,2147483647],' +
            '"vec":["3.4028234663852886e+38","-3.4028234663852886e+38","0.10000000149011612","1.000000013351432e-10"]}')
        $edgeLines[2] | Should -BeLike '*"i64":"9007199254740992",*"u64":"9223372036854775808","f32":"NaN","f64":"-0",*"day":0,"at":"1796126400000000",*'
        $edgeLines[3] | Should -BeLike '{"id":"3","i8":null,*"vec":null}'
        $edgeLines[4] | Should -BeLike '*"f32":"Infinity","f64":"-Infinity",*"day":11016,"at":"-2208988799999999",*'
    }

    It 'round-trips every supported type, with nulls, empties and edge values, through a LanceDB table' {
        $scan = $r[1]
        @($scan.columns | ForEach-Object { "$($_.name):$($_.type)" }) | Should -Be @($edgeColumns | ForEach-Object { "$($_.name):$($_.type)" })
        @(ConvertTo-LanceRowLines $scan.rows) | Should -Be $edgeLines
        $r[0].version | Should -Be 2
    }

    It 'agrees with LanceDB''s own SQL on what the dates, timestamps, binaries and extreme values mean' {
        @($r[30].rows | ForEach-Object id) | Should -Be @('0', '4')
        @($r[31].rows | ForEach-Object id) | Should -Be @('0', '4')
        @($r[32].rows | ForEach-Object id) | Should -Be @('1', '4')
        @($r[33].rows | ForEach-Object id) | Should -Be @('1')
        @($r[34].rows | ForEach-Object id) | Should -Be @('1')
    }

    It 'keeps field metadata given at create time' {
        ($r[2].fields | Where-Object name -eq 'text').metadata['geneva.test'] | Should -Be 'kept'
        ($r[2].fields | Where-Object name -eq 'at').timezone | Should -Be 'UTC'
    }

    It 'scans seeded tables of every type in storage version <Version> back value for value' -ForEach @(
        @{ Version = '2.1'; Create = 3; Scan = 4; Major = 2; Minor = 1 }
        @{ Version = '2.0'; Create = 5; Scan = 6; Major = 0; Minor = 3 }
    ) {
        $r[$Create].rows | Should -Be 112
        @(ConvertTo-LanceRowLines $r[$Scan].rows) | Should -Be @(ConvertTo-LanceRowLines $r[$Create].data)
        # The data files are of the version asked for: the footer ends with major, minor (u16 each) and "LANC".
        $table = "gen$($Version -replace '\.', '')"
        $files = @(Get-ChildItem (Join-Path $h "$table.lance/data") -Filter *.lance)
        $files.Count | Should -Be 3
        foreach ($file in $files) {
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 4, 4) | Should -Be 'LANC'
            [BitConverter]::ToUInt16($bytes, $bytes.Length - 8) | Should -Be $Major
            [BitConverter]::ToUInt16($bytes, $bytes.Length - 6) | Should -Be $Minor
        }
    }

    It 'formats floats exactly as the tool does (<Count> seeded and edge values)' -ForEach @(@{ Count = 1212 }) {
        $floatBits.Count | Should -Be $Count
        $tool = $r[29].values
        $ours = foreach ($hex in $floatBits) { ConvertTo-LanceCanonicalFloat ([BitConverter]::Int64BitsToDouble([Convert]::ToInt64($hex, 16))) }
        $ours | Should -Be $tool
    }

    It 'reads LanceDB''s fixture small.lance as make_fixture.mjs wrote it: deleted rows absent, row addresses' {
        $scan = $r[7]
        $expected = foreach ($i in 0, 1, 3, 4, 5, 6, 8, 9) {
            $f = [float] $i
            [pscustomobject][ordered]@{
                # $f * -1, not -$f: PowerShell's unary minus turns 0 into 0, where JavaScript's -0 stays -0.
                id = [long] $i; text = "row $i"; vector = [float[]] @($f, ($f + 0.5), ($f * -1), 0.25)
                _rowaddr = ([uint64] ($i -ge 5) -shl 32) -bor [uint64] ($i % 5)
            }
        }
        @(ConvertTo-LanceRowLines $scan.rows) | Should -Be @(ConvertTo-LanceCanonicalRows -Rows $expected -Columns $scan.columns)
        # make_fixture.mjs wrote -0 for -i at i = 0, and the scan keeps the sign.
        $scan.rows[0].vector[2] | Should -BeExactly '-0'
    }

    It 'reads small.lance''s versions, filters and searches it' {
        @($r[8].rows | ForEach-Object id) | Should -Be @('0', '1', '2', '3', '4')
        @($r[9].versions | ForEach-Object version) | Should -Be @(1, 2, 3)
        $r[10].count | Should -Be 3
        @($r[11].rows | ForEach-Object id) | Should -Be @('3')
        # Squared L2 distances from [8, 8.5, -8, 0.25]: row 8 is 0, row 9 is 3, row 6 is 12.
        @($r[12].rows | ForEach-Object { "$($_.id):$($_._distance)" }) | Should -Be @('8:0', '9:3', '6:12')
    }

    It 'reads bitmap.lance''s roaring deletions: 9,999 rows, none of the 10,001 deleted' {
        $r[13].count | Should -Be 9999
        $ids = @($r[14].rows | ForEach-Object id) -join ','
        $want = @(@(0..4999 | ForEach-Object { $_ * 3 }) + @(15000..19998)) -join ','
        $ids | Should -BeExactly $want
    }

    It 'lists the tables of a database folder' {
        @($r[15].tables | Sort-Object) | Should -Be @('bitmap', 'small')
    }

    It 'drives LanceDB''s delete, append and addColumns, and scans the result with row addresses' {
        $scan = $r[20]
        $r[17].version | Should -Be 3
        $r[19].version | Should -Be 5
        $kept = @(0..19 | Where-Object { $_ % 5 -ne 1 })
        $expected = @(foreach ($i in $kept) {
                $f = [float] $i
                [pscustomobject][ordered]@{
                    id = [long] $i; text = "row $i"; vec = [float[]] @($f, 1, (-$f), 0.5); id2 = [long] (2 * $i)
                    _rowaddr = ([uint64] [math]::Floor($i / 10) -shl 32) -bor [uint64] ($i % 10)
                }
            }
            [pscustomobject][ordered]@{ id = [long] 100; text = 'new'; vec = [float[]] @(100, 1, -100, 0.5); id2 = [long] 200; _rowaddr = [uint64] 2 -shl 32 }
            [pscustomobject][ordered]@{ id = [long] 101; text = $null; vec = $null; id2 = [long] 202; _rowaddr = ([uint64] 2 -shl 32) + 1 })
        @(ConvertTo-LanceRowLines $scan.rows) | Should -Be @(ConvertTo-LanceCanonicalRows -Rows $expected -Columns $scan.columns)
    }

    It 'drives LanceDB''s index builds and optimize (compaction and cleanup), keeping rows and field metadata' {
        $before = $r[20]
        $after = $r[24]
        $columns = Select-LanceColumns $after -Except _rowaddr
        $strip = { param($rows) foreach ($row in $rows) { $copy = [ordered]@{}; foreach ($c in $columns) { $copy[$c.name] = $row[$c.name] }; ConvertTo-Json -InputObject $copy -Depth 20 -Compress } }
        @(& $strip $after.rows) | Should -Be @(& $strip $before.rows)
        # Compaction rewrote the three fragments as one new fragment, so addresses restart at offset 0.
        $addresses = @($after.rows | ForEach-Object { [uint64] $_._rowaddr })
        $fragment = $addresses[0] -shr 32
        $fragment | Should -BeGreaterThan 2
        $addresses | Should -Be @(0..($addresses.Count - 1) | ForEach-Object { ([uint64] $fragment -shl 32) + [uint64] $_ })
        $r[23].compaction.fragmentsRemoved | Should -Be 3
        ($r[25].fields | Where-Object name -eq 'text').metadata['geneva.binding'] | Should -Be '{"udf":"x"}'
        @($r[26].versions | ForEach-Object version) | Should -Not -Contain 1
        @($r[27].indices | ForEach-Object { "$($_.name):$($_.indexType)" } | Sort-Object) | Should -Be @('id_idx:BTree', 'vec_idx:IvfFlat')
        $r[28].rows[0].id | Should -Be '13'
        $r[28].rows[0]._distance | Should -Be '0'
    }

    It 'fails with LanceDB''s message and the failing step' {
        { Invoke-LanceDb @(@('count', $h, 'edge'), @('scan', $h, 'no_such_table')) } |
            Should -Throw -ExpectedMessage '*batch step 1 (scan *no_such_table*'
        { Invoke-LanceDb 'frobnicate' } | Should -Throw -ExpectedMessage "*unknown command 'frobnicate'*"
    }

    It 'marks a value whose .NET type does not fit its column, so it never compares equal' {
        ConvertTo-LanceCanonicalValue -Value ([long] 5) -Type 'int32' | Should -BeLike '<mismatch*'
        ConvertTo-LanceCanonicalValue -Value ([double] 0.5) -Type 'float32' | Should -BeLike '<mismatch*'
        ConvertTo-LanceCanonicalValue -Value ([DateTime]::new(2000, 1, 1, 12, 0, 0)) -Type 'date32' | Should -BeLike '<mismatch*'
        ConvertTo-LanceCanonicalValue -Value ([float[]] @(1, 2)) -Type 'fixed_size_list<float32>[3]' | Should -BeLike '<mismatch*'
        ConvertTo-LanceCanonicalValue -Value 'abc' -Type 'binary' | Should -BeLike '<mismatch*'
    }
}

Describe 'A table the module makes and backfills, used by LanceDB 0.31 (issue 10)' {
    BeforeAll {
        # Every supported type; nulls (every nullable column of a row with i % 11 = 5); three fragments of 128 rows
        # at most; edges in the first rows. 360 rows: enough for LanceDB's IVF_PQ index (256 vectors) after deletes.
        function New-InteropRow {
            param([int] $I)
            $isNull = $I % 11 -eq 5
            $sign = $I % 2 -eq 0 ? 1 : -1
            $row = [ordered]@{
                id   = [long] $I
                i8   = [sbyte] ($I % 256 - 128)
                i16  = [int16] (($I * 97) % 65536 - 32768)
                i32  = [int] ($sign * (($I * 1000003) % 2147483647))
                i64  = [long] $sign * [long] $I * 1234567890123
                u8   = [byte] ($I % 256)
                u16  = [uint16] (($I * 331) % 65536)
                u32  = [uint32] (([long] $I * 4000037) % 4294967296)
                u64  = [uint64] ($I % 360) * [uint64] 51234567890123456
                f32  = [float] ($I * 0.1 - 7.3)
                f64  = $I / 7.0 - 11
                flag = $I % 3 -eq 0
                text = "row $I" + ('x' * ($I % 7))
                bin  = [byte[]] @(0..($I % 6) | ForEach-Object { [byte] (($I * 7 + $_) % 256) })
                day  = $Epoch.AddDays($I * 37 - 5000).Date
                at   = [DateTimeOffset]::FromUnixTimeMilliseconds(0).AddTicks(([long] $I * 123456789 - 1000000000000) * 10)
                ints = [int[]] @(0..($I % 4) | Select-Object -Skip 1 | ForEach-Object { $I * 10 + $_ })
                vec  = [float[]] @(0..7 | ForEach-Object { [float] ([math]::Sin($I * 1.3 + $_ * 0.7) * (1 + $I / 100)) })
                feat = [float[]] @(0..3 | ForEach-Object { [float] [math]::Cos($I * 0.37 + $_) })
            }
            switch ($I) {
                0 {
                    $row.i8 = [sbyte]::MinValue; $row.i16 = [int16]::MinValue; $row.i32 = [int]::MinValue; $row.i64 = [long]::MinValue
                    $row.f32 = $NegativeZero32; $row.f64 = [double]::Epsilon; $row.text = ''; $row.bin = [byte[]] @()
                    $row.ints = [int[]] @()
                }
                1 {
                    $row.i8 = [sbyte]::MaxValue; $row.i16 = [int16]::MaxValue; $row.i32 = [int]::MaxValue; $row.i64 = [long]::MaxValue
                    $row.u8 = [byte]::MaxValue; $row.u16 = [uint16]::MaxValue; $row.u32 = [uint32]::MaxValue; $row.u64 = [uint64]::MaxValue
                    $row.f32 = [float]::Epsilon; $row.f64 = [double]::NaN; $row.text = "h`u{e9}llo `u{65e5}`u{672c} `u{1F389} `"q`" \"
                    $row.ints = [object[]] @(1, $null, 3)
                }
                2 { $row.f32 = [float]::NaN; $row.f64 = $NegativeZero64; $row.day = [DateTime]::new(1969, 12, 31) }
                3 { $row.f32 = [float]::PositiveInfinity; $row.f64 = [double]::NegativeInfinity; $row.text = 'x' * 300 }
                4 { $row.f32 = [float]::MaxValue; $row.f64 = [double]::MaxValue; $row.at = [DateTimeOffset]::new(1969, 12, 31, 23, 59, 59, [TimeSpan]::Zero).AddTicks(9999990) }
            }
            if ($isNull) {
                foreach ($name in @($row.Keys)) { if ($name -notin 'id', 'feat') { $row[$name] = $null } }
            }
            [pscustomobject] $row
        }
        $script:schema = [ordered]@{
            id = 'int64'; i8 = 'int8'; i16 = 'int16'; i32 = 'int32'; i64 = 'int64'; u8 = 'uint8'; u16 = 'uint16'; u32 = 'uint32'
            u64 = 'uint64'; f32 = 'float32'; f64 = 'float64'; flag = 'bool'; text = 'utf8'; bin = 'binary'; day = 'date32'
            at = 'timestamp[us]'; ints = 'list<int32>'; vec = 'fixed_size_list<float32>[8]'; feat = 'fixed_size_list<float32>[4]'
        }

        # Not in $TestDrive: Pester removes at the end of each Context the files made in it, which would undo the
        # commits of one Context before the next one builds on them.
        $script:db = Join-Path ([IO.Path]::GetTempPath()) "geneva-interop-$([guid]::NewGuid().ToString('N'))"
        $script:dbToRemove = $db
        New-Item -ItemType Directory -Path $db | Out-Null
        $script:t = Join-Path $db 't.lance'
        0..359 | ForEach-Object { New-InteropRow $_ } | New-GenevaTable -Path $t -Schema $schema -MaxRowsPerFragment 128 | Out-Null

        # A scriptblock, an expression and a model column (TorchScript from PyTorch: tanh(Linear(4, 3))).
        $shout = New-GenevaUdf -Name shout -OutputType utf8 -ScriptBlock {
            param($text)
            if ($null -eq $text) { $null } else { $text.ToUpperInvariant() + '!' }
        }
        Add-GenevaColumn -Table $t -Name shout -Udf $shout
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        Add-GenevaColumn -Table $t -Name emb -Udf (New-GenevaUdf -Name emb -Model (Join-Path $Models 'linear4to3.pt') `
                -InputColumn feat -OutputType 'fixed_size_list<float32>[3]' -BatchSize 32)
        foreach ($column in 'shout', 'tlen', 'emb') {
            (Start-GenevaBackfill -Table $t -Column $column -Concurrency 1).Status | Should -Be 'Done'
        }
        $script:bindings = @((Get-GenevaTable $t).Columns | Where-Object IsComputed | ForEach-Object { "$($_.Name):$($_.UdfKind):$($_.UdfVersion)" })
        $script:ours = @(Read-GenevaTable $t -IncludeRowAddress)

        # LanceDB's view of it, in one node process.
        $byId = @{}
        foreach ($row in $ours) { $byId["$($row.id)"] = $row }  # by the id's text, as the tool prints int64
        $script:byId = $byId
        $script:query = [float[]] @($byId['77'].vec | ForEach-Object { $_ + 0.01 })
        $script:embQuery = [float[]] $byId['123'].emb
        $script:a = Invoke-LanceDb @(
            , @('list-tables', $db)                                                       # 0
            , @('scan', $db, 't', '--with-row-address')                                   # 1
            , @('schema', $db, 't')                                                       # 2
            , @('search', $db, 't', 'vec', (ConvertTo-Json -Compress -InputObject @($query | ForEach-Object { ConvertTo-LanceCanonicalFloat $_ })), '3', '--columns', 'id')    # 3
            , @('search', $db, 't', 'emb', (ConvertTo-Json -Compress -InputObject @($embQuery | ForEach-Object { ConvertTo-LanceCanonicalFloat $_ })), '1', '--columns', 'id') # 4
            , @('scan', $db, 't', '--where', "tlen > 8 AND shout LIKE 'ROW 1%'", '--columns', 'id') # 5
            , @('count', $db, 't', '--where', 'shout IS NULL')                            # 6
            , @('count', $db, 't', '--where', 'emb IS NOT NULL AND flag')                 # 7
            , @('versions', $db, 't')                                                     # 8
            , @('search', $db, 't', 'vec', (ConvertTo-Json -Compress -InputObject @($query | ForEach-Object { ConvertTo-LanceCanonicalFloat $_ })), '1', '--columns', 'id', '--where', 'tlen > 8') # 9
        )
    }

    AfterAll {
        if ($dbToRemove -and (Test-Path $dbToRemove)) { Remove-Item -LiteralPath $dbToRemove -Recurse -Force }
    }

    Context 'LanceDB opens it, reads it, filters and searches it' {
        It 'lists the table in the database folder and counts its rows' {
            $a[0].tables | Should -Contain 't'
            $a[1].rows.Count | Should -Be 360
        }

        It 'has our columns, in our order, with our types' {
            $ourColumns = @((Get-GenevaTable $t).Columns | ForEach-Object { "$($_.Name):$($_.Type)" })
            @($a[2].fields | ForEach-Object { "$($_.name):$($_.type)" }) | Should -Be $ourColumns
            ($a[2].fields | Where-Object name -eq 'at').timezone | Should -Be 'UTC'
        }

        It 'scans the same values as Read-GenevaTable, exactly, with the same row addresses' {
            $scan = $a[1]
            @(ConvertTo-LanceCanonicalRows -Rows $ours -Columns $scan.columns) | Should -Be @(ConvertTo-LanceRowLines $scan.rows)
        }

        It 'sees the values the UDFs computed' {
            foreach ($row in $a[1].rows) {
                $text = $byId[$row.id].text
                $row.shout | Should -Be ($null -eq $text ? $null : $text.ToUpperInvariant() + '!')
                $row.tlen | Should -Be ($null -eq $text ? $null : (Get-CodePointCount $text))
                $row.emb.Count | Should -Be 3
            }
        }

        It 'finds the nearest rows of our fixed_size_list column with vectorSearch' {
            $nearest = @($ours | Where-Object { $null -ne $_.vec } |
                    Sort-Object { Get-SquaredDistance $_.vec $query } | Select-Object -First 3 | ForEach-Object { "$($_.id)" })
            $nearest[0] | Should -Be '77'
            @($a[3].rows | ForEach-Object id) | Should -Be $nearest
        }

        It 'searches only the rows a filter on a backfilled column keeps' {
            # Row 77's text is 6 characters long, so the nearest row with tlen > 8 is another one.
            $nearest = $ours | Where-Object { $null -ne $_.vec -and $_.tlen -gt 8 } |
                Sort-Object { Get-SquaredDistance $_.vec $query } | Select-Object -First 1
            "$($nearest.id)" | Should -Not -Be '77'
            $a[9].rows[0].id | Should -Be "$($nearest.id)"
        }

        It 'finds the row a model embedding came from with vectorSearch on the model column' {
            $a[4].rows[0].id | Should -Be '123'
            $a[4].rows[0]._distance | Should -Be '0'
        }

        It 'filters on our backfilled columns' {
            $want = @($ours | Where-Object { $null -ne $_.tlen -and $_.tlen -gt 8 -and $_.shout -clike 'ROW 1*' } | ForEach-Object { "$($_.id)" })
            $want.Count | Should -BeGreaterThan 10
            @($a[5].rows | ForEach-Object id) | Should -Be $want
            $a[6].count | Should -Be @($ours | Where-Object { $null -eq $_.text }).Count
            $a[7].count | Should -Be @($ours | Where-Object { $_.flag -eq $true }).Count
        }

        It 'lists the versions Get-GenevaTableVersion lists' {
            @($a[8].versions | ForEach-Object version) | Should -Be @(Get-GenevaTableVersion $t | ForEach-Object Version)
        }
    }

    Context 'LanceDB deletes rows and builds indexes; the module keeps reading and backfilling it' {
        BeforeAll {
            # LanceDB's delete writes only a deletion file and its indexes only index files: every data page is still ours.
            $script:b = Invoke-LanceDb @(
                , @('delete', $db, 't', 'id % 10 = 3')                                                                  # 0
                , @('create-index', $db, 't', 'id')                                                                     # 1
                , @('create-index', $db, 't', 'vec', '--type', 'ivf_pq', '--num-partitions', '2', '--num-sub-vectors', '2') # 2
                , @('scan', $db, 't', '--with-row-address')                                                             # 3
                , @('schema', $db, 't')                                                                                 # 4
            )
            $script:oursAfterDelete = @(Read-GenevaTable $t -IncludeRowAddress)
            $script:liveRows = @(0..359 | Where-Object { $_ % 10 -ne 3 }).Count

            # Our module computes a new column on the result (deleted rows not computed) and recomputes one after a rebind.
            Add-GenevaColumn -Table $t -Name id3 -Udf (New-GenevaUdf -Name id3 -Expression 'id * 3' -OutputType int64)
            $script:id3Run = Start-GenevaBackfill -Table $t -Column id3 -Concurrency 1
            Set-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text) + 1' -OutputType int32)
            $script:tlenRun = Start-GenevaBackfill -Table $t -Column tlen -Concurrency 1
            $script:oursAfterBackfill = @(Read-GenevaTable $t -IncludeRowAddress)
            $script:c = Invoke-LanceDb @(
                , @('scan', $db, 't', '--with-row-address')  # 0
                , @('list-indices', $db, 't')                # 1
                , @('search', $db, 't', 'vec', (ConvertTo-Json -Compress -InputObject @($byId['77'].vec | ForEach-Object { ConvertTo-LanceCanonicalFloat $_ })), '1', '--columns', 'id', '--nprobes', '2', '--refine-factor', '400') # 2: through the index, every partition, every row re-ranked exactly
                , @('count', $db, 't', '--where', 'id3 = id * 3')  # 3
                , @('schema', $db, 't')                       # 4
                , @('count', $db, 't', '--where', 'id = 124') # 5: through the btree index
            )
        }

        It 'reads what LanceDB''s delete left, as LanceDB scans it: deleted rows absent, row addresses kept' {
            $scan = $b[3]
            @(ConvertTo-LanceCanonicalRows -Rows $oursAfterDelete -Columns $scan.columns) | Should -Be @(ConvertTo-LanceRowLines $scan.rows)
            @($oursAfterDelete | ForEach-Object { [long] $_.id }) | Should -Be @(0..359 | Where-Object { $_ % 10 -ne 3 } | ForEach-Object { [long] $_ })
            (Get-GenevaTable $t -Version ((Get-GenevaTable $t).Version)).RowCount | Should -BeGreaterOrEqual $liveRows
        }

        It 'computes only the rows LanceDB did not delete, and never brings a deleted row back' {
            $id3Run.Status | Should -Be 'Done'
            $id3Run.UdfValuesComputed | Should -Be $liveRows
            $tlenRun.Status | Should -Be 'Done'
            $tlenRun.UdfValuesComputed | Should -Be $liveRows
            $oursAfterBackfill.Count | Should -Be $liveRows
            foreach ($row in $oursAfterBackfill) {
                $row.id3 | Should -Be (3 * $row.id)
                $row.tlen | Should -Be ($null -eq $row.text ? $null : (Get-CodePointCount $row.text) + 1)
            }
            $c[3].count | Should -Be $liveRows
        }

        It 'leaves a table LanceDB still reads exactly, with its indexes carried through our commits' {
            $scan = $c[0]
            @(ConvertTo-LanceCanonicalRows -Rows $oursAfterBackfill -Columns $scan.columns) | Should -Be @(ConvertTo-LanceRowLines $scan.rows)
            @($c[1].indices | ForEach-Object { "$($_.name):$($_.indexType)" } | Sort-Object) | Should -Be @('id_idx:BTree', 'vec_idx:IvfPq')
            $c[2].rows[0].id | Should -Be '77'
            $c[5].count | Should -Be 1
        }
    }

    Context 'LanceDB appends, adds a column and compacts: the module keeps the table''s history and bindings' {
        BeforeAll {
            # LanceDB's appends, addColumns and compaction write pages in LanceDB's default encodings (bitpacking, FSST,
            # dictionaries, lists in mini-block pages...): the module keeps everything else and reads them exactly.
            $baseColumns = @($a[2].fields | Where-Object name -notin 'shout', 'tlen', 'emb')
            $script:newRows = @(1000..1002 | ForEach-Object { New-InteropRow $_ })
            $appendFile = Join-Path $TestDrive 'append.json'
            Join-RowLines @(ConvertTo-LanceCanonicalRows -Rows $newRows -Columns $baseColumns) | Set-Content -LiteralPath $appendFile -Encoding utf8NoBOM
            $script:bindingsBeforeLanceWrites = @((Get-GenevaTable $t).Columns | Where-Object IsComputed | ForEach-Object { "$($_.Name):$($_.UdfKind):$($_.UdfVersion)" })
            $script:jobsBefore = @(Get-GenevaJob $t | ForEach-Object { "$($_.Column):$($_.Status)" } | Sort-Object)
            $script:d = Invoke-LanceDb @(
                , @('append', $db, 't', "@$appendFile")       # 0
                , @('add-columns', $db, 't', 'id2', 'id * 2') # 1
                , @('schema', $db, 't')                       # 2
                , @('optimize', $db, 't')                     # 3
                , @('schema', $db, 't')                       # 4
                , @('versions', $db, 't')                     # 5
                , @('count', $db, 't')                        # 6
                , @('scan', $db, 't')                         # 7
            )
            $script:bindingsAfterLance = @((Get-GenevaTable $t).Columns | Where-Object IsComputed | ForEach-Object { "$($_.Name):$($_.UdfKind):$($_.UdfVersion)" })
            $script:id2Column = (Get-GenevaTable $t).Columns | Where-Object Name -eq 'id2'
            $script:versionsAfterOptimize = @(Get-GenevaTableVersion $t | ForEach-Object Version)
            $script:jobsAfterOptimize = @(Get-GenevaJob $t | ForEach-Object { "$($_.Column):$($_.Status)" } | Sort-Object)
            $script:oursAfterLance = @(Read-GenevaTable $t)
        }

        It 'counts the rows LanceDB counts' {
            $d[3].compaction.fragmentsRemoved | Should -BeGreaterThan 0
            (Get-GenevaTable $t).RowCount | Should -Be $d[6].count
        }

        It 'lists the versions LanceDB''s cleanup kept, and no others' {
            $versionsAfterOptimize | Should -Be @($d[5].versions | ForEach-Object version)
        }

        It 'gives an error for a version LanceDB''s cleanup removed' {
            $versionsAfterOptimize | Should -Not -Contain 2
            { Read-GenevaTable $t -Version 2 -ErrorAction Stop } | Should -Throw -ErrorId 'VersionNotFound,Geneva.PowerShell.Cmdlets.ReadGenevaTableCommand'
        }

        It 'keeps our _geneva folder through LanceDB''s compaction and cleanup: the jobs are still recorded' {
            Join-Path $t '_geneva/geneva.db' | Should -Exist
            $jobsAfterOptimize | Should -Be $jobsBefore
            $jobsAfterOptimize | Should -Contain 'id3:Done'
        }

        It 'reads the pages LanceDB''s append, addColumns and compaction wrote, as LanceDB scans them' {
            $scan = $d[7]
            $oursAfterLance.Count | Should -Be $d[6].count
            @(ConvertTo-LanceCanonicalRows -Rows $oursAfterLance -Columns $scan.columns) | Should -Be @(ConvertTo-LanceRowLines $scan.rows)
        }
    }

    Context 'Column bindings live in the Lance field metadata' {
        It 'gives each computed column its binding in the field metadata, and a plain column none' {
            $fields = @{}
            foreach ($field in $a[2].fields) { $fields[$field.name] = $field }
            foreach ($name in 'shout', 'tlen', 'emb') { $fields[$name].metadata.Count | Should -BeGreaterThan 0 -Because "$name is computed" }
            (ConvertTo-Json $fields.shout.metadata -Compress) | Should -Not -Be (ConvertTo-Json $fields.tlen.metadata -Compress)
            $fields.text.metadata.Count | Should -Be 0
        }

        It 'keeps each binding through LanceDB''s <Operation>' -ForEach @(
            @{ Operation = 'delete and index builds'; Before = 'a'; BeforeIndex = 2; Result = 'b'; Index = 4 }
            @{ Operation = 'append and addColumns'; Before = 'c'; BeforeIndex = 4; Result = 'd'; Index = 2 }
            @{ Operation = 'compaction and cleanup'; Before = 'c'; BeforeIndex = 4; Result = 'd'; Index = 4 }
        ) {
            $schemaBefore = (Get-Variable -Name $Before -Scope Script -ValueOnly)[$BeforeIndex]
            $schemaAfter = (Get-Variable -Name $Result -Scope Script -ValueOnly)[$Index]
            foreach ($name in 'shout', 'tlen', 'emb') {
                $before = ($schemaBefore.fields | Where-Object name -eq $name).metadata
                $after = ($schemaAfter.fields | Where-Object name -eq $name).metadata
                ConvertTo-Json $after -Compress | Should -Be (ConvertTo-Json $before -Compress)
            }
        }

        It 'still binds each computed column to its UDF after LanceDB''s operations, and LanceDB''s column to none' {
            $bindings | Should -HaveCount 3
            $bindingsBeforeLanceWrites | Should -HaveCount 4
            $bindingsAfterLance | Should -Be $bindingsBeforeLanceWrites
            $id2Column.IsComputed | Should -BeFalse
            $id2Column.Type | Should -Be 'int64'
        }
    }
}

Describe 'A table LanceDB made in storage version 2.0' {
    It 'gets 2.0 data files from our backfill, so LanceDB keeps reading it and adding columns' {
        $db = Join-Path $TestDrive 'db20'
        New-Item -ItemType Directory -Path $db | Out-Null
        Copy-Item -Recurse (Join-Path $LanceFixtures 'types20.lance') $db
        $t = Join-Path $db 'types20.lance'
        Add-GenevaColumn -Table $t -Name twice -Udf (New-GenevaUdf -Name twice -Expression 'id * 2' -OutputType int64)
        (Start-GenevaBackfill -Table $t -Column twice -Concurrency 1).Status | Should -Be 'Done'
        $ours = @(Read-GenevaTable $t -Column id, twice)
        $ours.Count | Should -BeGreaterThan 0
        foreach ($row in $ours) { $row.twice | Should -Be (2 * $row.id) }
        # LanceDB refuses to add a column to a dataset whose files mix 2.0 and 2.1.
        $r = Invoke-LanceDb @(
            , @('add-columns', $db, 'types20', 'thrice', 'id * 3')
            , @('count', $db, 'types20', '--where', 'twice = id * 2 AND thrice = id * 3')
        )
        $r[1].count | Should -Be $ours.Count
    }
}
