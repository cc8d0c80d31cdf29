# Dot-sourced by LanceInterop.Tests.ps1: drives LanceDB 0.31 through tests/interop/lancedb-tool.mjs, and puts
# the module's reads in the same canonical form as the tool's output, so the two compare exactly as text.
#
# The canonical form (the tool's header says the same):
#   int8..int32, uint8..uint32, date32 (days since 1970-01-01)   number
#   int64, uint64, timestamp[us] (microseconds since the epoch)   decimal string
#   float32, float64   JavaScript's shortest round-trip string of the value as a double (float32 widened exactly),
#                      with "-0", "NaN", "Infinity" and "-Infinity"
#   bool; utf8 string; binary base64; list and fixed_size_list arrays; null
# A value whose .NET type does not fit its column's type becomes a '<mismatch ...>' string, so it never compares equal.

$script:LanceToolDirectory = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../interop'))
$script:LanceTool = Join-Path $LanceToolDirectory 'lancedb-tool.mjs'
$script:UnixEpochTicks = [DateTime]::UnixEpoch.Ticks

# node and the npm packages: build.ps1 -Task Test installs the packages (npm ci) before running the tests.
function Get-LanceNode {
    $node = Get-Command node -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($null -eq $node) {
        throw 'The LanceDB interop tests need node 20 and npm (https://nodejs.org, or apt-get install nodejs npm); none is on PATH.'
    }
    if (-not (Test-Path -LiteralPath (Join-Path $LanceToolDirectory 'node_modules/@lancedb/lancedb/package.json'))) {
        throw "LanceDB is not installed in $LanceToolDirectory. Run ./build.ps1 -Task Test (it runs 'npm ci' there), or 'npm ci' in that folder."
    }
    $node.Source
}

<#
    Runs lancedb-tool.mjs. -Steps is one command (an array of arguments, such as 'scan', $db, 't') or several
    (an array of such arrays), run in one node process (starting node costs about 0.3 s). Returns the command's
    result, or an array with one result per command; JSON objects come back as ordered hashtables.
#>
function Invoke-LanceDb {
    param([Parameter(Mandatory, Position = 0)] [object[]] $Steps)
    $single = $Steps[0] -is [string]
    [object[]] $list = $single ? @(, $Steps) : $Steps
    $batch = [Collections.Generic.List[object]]::new()
    foreach ($step in $list) { $batch.Add([string[]] @($step | ForEach-Object { [string] $_ })) }

    $work = if (Test-Path variable:TestDrive) { $TestDrive } else { [IO.Path]::GetTempPath() }
    $id = [guid]::NewGuid().ToString('n')
    $batchFile = Join-Path $work "lance-batch-$id.json"
    $errors = Join-Path $work "lance-batch-$id.err"
    ConvertTo-Json -InputObject $batch.ToArray() -Depth 5 -Compress | Set-Content -LiteralPath $batchFile -Encoding utf8NoBOM
    try {
        # The tool writes ASCII only (it escapes the rest), so the console's encoding cannot change the text.
        $stdout = & (Get-LanceNode) $LanceTool batch $batchFile 2> $errors
        $exitCode = $LASTEXITCODE
        if ($exitCode -ne 0) {
            # Without lance's warnings (KMeans, deprecations), which would bury the error.
            $message = @(Get-Content -LiteralPath $errors | Where-Object { $_ -notmatch '^\[\S+ WARN |^\s+Help: ' }) -join "`n"
            throw "lancedb-tool.mjs failed (exit code $exitCode): $($message.Trim())"
        }
        $results = ($stdout -join "`n") | ConvertFrom-Json -AsHashtable -DateKind String -Depth 100 -NoEnumerate
    }
    finally {
        Remove-Item -LiteralPath $batchFile, $errors -ErrorAction Ignore
    }
    if ($single) { return , $results[0] }
    , $results
}

# Formats a double as JavaScript's Number.prototype.toString does: the shortest digits that round-trip (.NET's
# "R" gives the same digits since .NET Core 3.0), in JavaScript's choice of plain or exponent notation.
function ConvertTo-LanceCanonicalFloat {
    param([Parameter(Mandatory)] [double] $Value)
    if ([double]::IsNaN($Value)) { return 'NaN' }
    if ([double]::IsPositiveInfinity($Value)) { return 'Infinity' }
    if ([double]::IsNegativeInfinity($Value)) { return '-Infinity' }
    if ($Value -eq 0) { return [double]::IsNegative($Value) ? '-0' : '0' }

    $text = $Value.ToString('R', [cultureinfo]::InvariantCulture)
    $sign = ''
    if ($text.StartsWith('-')) { $sign = '-'; $text = $text.Substring(1) }
    $exponent = 0
    $e = $text.IndexOf('E')
    if ($e -ge 0) { $exponent = [int] $text.Substring($e + 1); $text = $text.Substring(0, $e) }
    $dot = $text.IndexOf('.')
    $integer = $dot -ge 0 ? $text.Substring(0, $dot) : $text
    $fraction = $dot -ge 0 ? $text.Substring($dot + 1) : ''
    # The value is 0.DIGITS x 10^n.
    $digits = $integer + $fraction
    $n = $integer.Length + $exponent
    $trimmed = $digits.TrimStart('0')
    $n -= $digits.Length - $trimmed.Length
    $digits = $trimmed.TrimEnd('0')
    $k = $digits.Length

    # ECMAScript Number::toString(x), with k digits and the decimal point after n of them.
    $body = if ($k -le $n -and $n -le 21) {
        $digits + ('0' * ($n - $k))
    }
    elseif (0 -lt $n -and $n -le 21) {
        $digits.Substring(0, $n) + '.' + $digits.Substring($n)
    }
    elseif (-6 -lt $n -and $n -le 0) {
        '0.' + ('0' * (-$n)) + $digits
    }
    else {
        $power = $n - 1
        $mantissa = $k -eq 1 ? $digits : $digits.Substring(0, 1) + '.' + $digits.Substring(1)
        $mantissa + 'e' + ($power -lt 0 ? '-' : '+') + [math]::Abs($power)
    }
    $sign + $body
}

# One value, as the module returns it for a column of Geneva type $Type, in the canonical form.
function ConvertTo-LanceCanonicalValue {
    param([AllowNull()] $Value, [Parameter(Mandatory)] [string] $Type)
    if ($null -eq $Value -or $Value -is [DBNull]) { return $null }
    $v = $Value -is [psobject] ? $Value.psobject.BaseObject : $Value
    $mismatch = "<mismatch: $Type expected, got $($v.GetType().FullName) '$v'>"

    if ($Type -match '^(?:fixed_size_list<(?<item>.+)>\[(?<size>\d+)\]|list<(?<item>.+)>)$') {
        if ($v -is [string] -or $v -isnot [Collections.IEnumerable]) { return $mismatch }
        $items = [Collections.Generic.List[object]]::new()
        foreach ($item in $v) { $items.Add((ConvertTo-LanceCanonicalValue -Value $item -Type $Matches.item)) }
        if ($Matches.size -and $items.Count -ne [int] $Matches.size) { return "<mismatch: $Type with $($items.Count) items>" }
        return , $items.ToArray()
    }
    switch ($Type) {
        'bool' { return $v -is [bool] ? $v : $mismatch }
        'int8' { return $v -is [sbyte] ? [long] $v : $mismatch }
        'int16' { return $v -is [int16] ? [long] $v : $mismatch }
        'int32' { return $v -is [int] ? [long] $v : $mismatch }
        'uint8' { return $v -is [byte] ? [long] $v : $mismatch }
        'uint16' { return $v -is [uint16] ? [long] $v : $mismatch }
        'uint32' { return $v -is [uint32] ? [long] $v : $mismatch }
        'int64' { return $v -is [long] ? $v.ToString([cultureinfo]::InvariantCulture) : $mismatch }
        'uint64' { return $v -is [uint64] ? $v.ToString([cultureinfo]::InvariantCulture) : $mismatch }
        'float32' { return $v -is [single] ? (ConvertTo-LanceCanonicalFloat ([double] $v)) : $mismatch }
        'float64' { return $v -is [double] ? (ConvertTo-LanceCanonicalFloat $v) : $mismatch }
        'utf8' { return $v -is [string] ? $v : $mismatch }
        'binary' { return $v -is [byte[]] ? [Convert]::ToBase64String($v) : $mismatch }
        'date32' {
            $ticks = switch ($v) {
                { $_ -is [DateOnly] } { $_.ToDateTime([TimeOnly]::MinValue).Ticks }
                { $_ -is [DateTime] } { $_.Ticks }
                { $_ -is [DateTimeOffset] } { $_.UtcTicks }
                default { return $mismatch }
            }
            $ticks -= $UnixEpochTicks
            if ($ticks % [TimeSpan]::TicksPerDay -ne 0) { return "<mismatch: date32 with a time of day: '$v'>" }
            return [long] [math]::Floor($ticks / [TimeSpan]::TicksPerDay)
        }
        'timestamp[us]' {
            $ticks = switch ($v) {
                { $_ -is [DateTimeOffset] } { $_.UtcTicks }
                { $_ -is [DateTime] } { ($_.Kind -eq [DateTimeKind]::Local ? $_.ToUniversalTime() : $_).Ticks }
                default { return $mismatch }
            }
            $ticks -= $UnixEpochTicks
            if ($ticks % 10 -ne 0) { return "<mismatch: timestamp[us] finer than a microsecond: '$v'>" }
            return ([long] (($ticks - ($ticks % 10)) / 10)).ToString([cultureinfo]::InvariantCulture)
        }
    }
    "<unknown type $Type>"
}

# Our rows (Read-GenevaTable's objects) as canonical JSON lines, one per row, with the columns of $Columns (the
# tool's column list: name and type) in that order. A column the row lacks shows as '<missing>'.
function ConvertTo-LanceCanonicalRows {
    param([AllowEmptyCollection()] [object[]] $Rows, [Parameter(Mandatory)] [object[]] $Columns)
    foreach ($row in $Rows) {
        $canonical = [ordered]@{}
        $properties = $row.psobject.Properties
        foreach ($column in $Columns) {
            $property = $properties[$column.name]
            $canonical[$column.name] = $null -eq $property ? '<missing>' : (ConvertTo-LanceCanonicalValue -Value $property.Value -Type $column.type)
        }
        ConvertTo-Json -InputObject $canonical -Depth 20 -Compress
    }
}

# The tool's rows (from scan or search) as canonical JSON lines, serialized the same way as ours.
function ConvertTo-LanceRowLines {
    param([AllowEmptyCollection()] [object[]] $Rows)
    foreach ($row in $Rows) { ConvertTo-Json -InputObject $row -Depth 20 -Compress }
}

# A scan result's column list without the columns named in $Except (such as _rowaddr).
function Select-LanceColumns {
    param([Parameter(Mandatory)] $Scan, [string[]] $Except = @())
    @($Scan.columns | Where-Object { $_.name -notin $Except })
}
