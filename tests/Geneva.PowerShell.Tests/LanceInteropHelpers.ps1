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

# ---------- the canonical form, compiled (LanceDbTables.Tests.ps1) ----------
# The same canonical values as ConvertTo-LanceCanonicalValue, written straight to JSON text as JavaScript's
# JSON.stringify writes them (lancedb-tool.mjs scan --lines), so tables of thousands of rows compare as lines in
# well under a second (the per-value PowerShell functions take about a millisecond a value).
$script:LanceCanonicalSource = @'
using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;

public static class GenevaLanceCanonical
{
    private static readonly Regex ListType = new Regex(@"^(?:fixed_size_list<(?<item>.+)>\[(?<size>\d+)\]|list<(?<item>.+)>)$");
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>One JSON line per row: the columns in the order given, as lancedb-tool.mjs prints a row.</summary>
    public static string[] Lines(object[] rows, string[] names, string[] types)
    {
        var lines = new string[rows.Length];
        var sb = new StringBuilder();
        for (var r = 0; r < rows.Length; r++)
        {
            sb.Clear();
            sb.Append('{');
            var row = rows[r] as PSObject ?? PSObject.AsPSObject(rows[r]);
            for (var c = 0; c < names.Length; c++)
            {
                if (c > 0) sb.Append(',');
                WriteString(sb, names[c]);
                sb.Append(':');
                var property = row.Properties[names[c]];
                if (property == null) WriteString(sb, "<missing>");
                else WriteValue(sb, property.Value, types[c]);
            }
            sb.Append('}');
            lines[r] = sb.ToString();
        }
        return lines;
    }

    /// <summary>
    /// One column of scan --lines rows, as Lines writes rows of that column alone: the value's JSON text is kept
    /// exactly as JSON.stringify wrote it.
    /// </summary>
    public static string[] Project(string[] lines, string name)
    {
        var result = new string[lines.Length];
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            using (var doc = System.Text.Json.JsonDocument.Parse(lines[i]))
            {
                sb.Clear();
                sb.Append('{');
                WriteString(sb, name);
                sb.Append(':');
                System.Text.Json.JsonElement value;
                if (doc.RootElement.TryGetProperty(name, out value)) sb.Append(value.GetRawText());
                else WriteString(sb, "<missing>");
                sb.Append('}');
                result[i] = sb.ToString();
            }
        }
        return result;
    }

    /// <summary>Each line's SHA-256 of its UTF-8 bytes, in lowercase hex: scan --lines --hash.</summary>
    public static string[] Hashes(string[] lines)
    {
        var result = new string[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            result[i] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(lines[i]))).ToLowerInvariant();
        }
        return result;
    }

    public static string Value(object value, string type)
    {
        var sb = new StringBuilder();
        WriteValue(sb, value, type);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, object value, string type)
    {
        if (value is PSObject ps) value = ps.BaseObject;
        if (value == null || value is DBNull) { sb.Append("null"); return; }
        var list = ListType.Match(type);
        if (list.Success)
        {
            if (value is string || !(value is IEnumerable items)) { Mismatch(sb, type, value); return; }
            var item = list.Groups["item"].Value;
            var start = sb.Length;
            var count = 0;
            sb.Append('[');
            foreach (var x in items)
            {
                if (count++ > 0) sb.Append(',');
                WriteValue(sb, x, item);
            }
            sb.Append(']');
            if (list.Groups["size"].Success && count != int.Parse(list.Groups["size"].Value, CultureInfo.InvariantCulture))
            {
                sb.Length = start;
                WriteString(sb, "<mismatch: " + type + " with " + count + " items>");
            }
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        switch (type)
        {
            case "bool": if (value is bool b) { sb.Append(b ? "true" : "false"); return; } break;
            case "int8": if (value is sbyte i8) { sb.Append(i8.ToString(inv)); return; } break;
            case "int16": if (value is short i16) { sb.Append(i16.ToString(inv)); return; } break;
            case "int32": if (value is int i32) { sb.Append(i32.ToString(inv)); return; } break;
            case "uint8": if (value is byte u8) { sb.Append(u8.ToString(inv)); return; } break;
            case "uint16": if (value is ushort u16) { sb.Append(u16.ToString(inv)); return; } break;
            case "uint32": if (value is uint u32) { sb.Append(u32.ToString(inv)); return; } break;
            case "int64": if (value is long i64) { WriteString(sb, i64.ToString(inv)); return; } break;
            case "uint64": if (value is ulong u64) { WriteString(sb, u64.ToString(inv)); return; } break;
            case "float32": if (value is float f32) { WriteString(sb, Float(f32)); return; } break;
            case "float64": if (value is double f64) { WriteString(sb, Float(f64)); return; } break;
            case "utf8":
            case "large_utf8": if (value is string s) { WriteString(sb, s); return; } break;
            case "binary":
            case "large_binary": if (value is byte[] bytes) { WriteString(sb, Convert.ToBase64String(bytes)); return; } break;
            case "date32":
            {
                long ticks;
                if (value is DateOnly d) ticks = d.ToDateTime(TimeOnly.MinValue).Ticks;
                else if (value is DateTime dt) ticks = dt.Ticks;
                else if (value is DateTimeOffset dto) ticks = dto.UtcTicks;
                else break;
                ticks -= UnixEpochTicks;
                if (ticks % TimeSpan.TicksPerDay != 0) { WriteString(sb, "<mismatch: date32 with a time of day: '" + value + "'>"); return; }
                sb.Append(((long)Math.Floor(ticks / (double)TimeSpan.TicksPerDay)).ToString(inv));
                return;
            }
            case "timestamp[us]":
            {
                long ticks;
                if (value is DateTimeOffset dto) ticks = dto.UtcTicks;
                else if (value is DateTime dt) ticks = (dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt).Ticks;
                else break;
                ticks -= UnixEpochTicks;
                if (ticks % 10 != 0) { WriteString(sb, "<mismatch: timestamp[us] finer than a microsecond: '" + value + "'>"); return; }
                WriteString(sb, (ticks / 10).ToString(inv));
                return;
            }
            default:
                WriteString(sb, "<unknown type " + type + ">");
                return;
        }
        Mismatch(sb, type, value);
    }

    private static void Mismatch(StringBuilder sb, string type, object value) =>
        WriteString(sb, "<mismatch: " + type + " expected, got " + value.GetType().FullName + " '" + value + "'>");

    /// <summary>JavaScript's Number.prototype.toString of a double (see ConvertTo-LanceCanonicalFloat).</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return double.IsNegative(value) ? "-0" : "0";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var sign = "";
        if (text.StartsWith("-", StringComparison.Ordinal)) { sign = "-"; text = text.Substring(1); }
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0) { exponent = int.Parse(text.Substring(e + 1), CultureInfo.InvariantCulture); text = text.Substring(0, e); }
        var dot = text.IndexOf('.');
        var integer = dot >= 0 ? text.Substring(0, dot) : text;
        var fraction = dot >= 0 ? text.Substring(dot + 1) : "";
        var digits = integer + fraction;
        var n = integer.Length + exponent;
        var trimmed = digits.TrimStart('0');
        n -= digits.Length - trimmed.Length;
        digits = trimmed.TrimEnd('0');
        var k = digits.Length;
        string body;
        if (k <= n && n <= 21) body = digits + new string('0', n - k);
        else if (0 < n && n <= 21) body = digits.Substring(0, n) + "." + digits.Substring(n);
        else if (-6 < n && n <= 0) body = "0." + new string('0', -n) + digits;
        else
        {
            var power = n - 1;
            var mantissa = k == 1 ? digits : digits.Substring(0, 1) + "." + digits.Substring(1);
            body = mantissa + "e" + (power < 0 ? "-" : "+") + Math.Abs(power).ToString(CultureInfo.InvariantCulture);
        }
        return sign + body;
    }

    /// <summary>A JSON string as JSON.stringify writes it: only quote, backslash and control characters escaped.</summary>
    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (ch < 0x20) sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else if (char.IsSurrogate(ch)) sb.Append(ch); // pairs pass through; LanceDB's UTF-8 has no lone ones
                    else sb.Append(ch);
                    break;
            }
        }
        sb.Append('"');
    }
}
'@

# Compiling takes seconds, so the assembly is kept in out/ under the source's hash and loaded from there next time.
function Import-LanceCanonical {
    if ('GenevaLanceCanonical' -as [type]) { return }
    $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($LanceCanonicalSource))).Substring(0, 16)
    $directory = Join-Path $PSScriptRoot '../../out/lance-canonical'
    $dll = Join-Path $directory "GenevaLanceCanonical-$hash.dll"
    if (-not (Test-Path -LiteralPath $dll)) {
        New-Item -ItemType Directory -Force -Path $directory | Out-Null
        $temporary = "$dll.$PID.tmp"
        Add-Type -TypeDefinition $LanceCanonicalSource -Language CSharp -OutputAssembly $temporary -OutputType Library
        Move-Item -LiteralPath $temporary -Destination $dll -Force
    }
    Add-Type -LiteralPath $dll
}

<#
    Starts lancedb-tool.mjs on -Steps (as Invoke-LanceDb takes them) in a node process of its own and returns at
    once: LanceDB writing to a table while the module backfills it. Wait-LanceDbProcess collects the results.
#>
function Start-LanceDbProcess {
    param([Parameter(Mandatory)] [object[]] $Steps)
    $work = if (Test-Path variable:TestDrive) { $TestDrive } else { [IO.Path]::GetTempPath() }
    $id = [guid]::NewGuid().ToString('n')
    $batch = [Collections.Generic.List[object]]::new()
    foreach ($step in $Steps) { $batch.Add([string[]] @($step | ForEach-Object { [string] $_ })) }
    $handle = [pscustomobject]@{
        Batch = Join-Path $work "lance-bg-$id.json"; Out = Join-Path $work "lance-bg-$id.out"; Err = Join-Path $work "lance-bg-$id.err"; Process = $null
    }
    ConvertTo-Json -InputObject $batch.ToArray() -Depth 5 -Compress | Set-Content -LiteralPath $handle.Batch -Encoding utf8NoBOM
    $handle.Process = Start-Process -FilePath (Get-LanceNode) -ArgumentList @($LanceTool, 'batch', $handle.Batch) -NoNewWindow -PassThru `
        -RedirectStandardOutput $handle.Out -RedirectStandardError $handle.Err
    $handle
}

# Waits (at most -TimeoutSeconds, then kills it) for a Start-LanceDbProcess process; returns its results or throws its error.
function Wait-LanceDbProcess {
    param([Parameter(Mandatory)] $Handle, [int] $TimeoutSeconds = 60)
    if (-not $Handle.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Handle.Process.Kill()
        $Handle.Process.WaitForExit()
        throw "lancedb-tool.mjs (process $($Handle.Process.Id)) did not finish within $TimeoutSeconds s; killed."
    }
    $Handle.Process.WaitForExit()
    if ($Handle.Process.ExitCode -ne 0) {
        $message = @(Get-Content -LiteralPath $Handle.Err | Where-Object { $_ -notmatch '^\[\S+ WARN |^\s+Help: ' }) -join "`n"
        throw "lancedb-tool.mjs failed (exit code $($Handle.Process.ExitCode)): $($message.Trim())"
    }
    , ((Get-Content -LiteralPath $Handle.Out -Raw) | ConvertFrom-Json -AsHashtable -DateKind String -Depth 100 -NoEnumerate)
}

<#
    Our rows (Read-GenevaTable's objects) as JSON lines in the canonical form, exactly as lancedb-tool.mjs's
    scan --lines prints LanceDB's rows: the columns of $Columns (the tool's column list) in that order.
#>
function ConvertTo-LanceCanonicalLines {
    param([AllowEmptyCollection()] [object[]] $Rows, [Parameter(Mandatory)] [object[]] $Columns)
    Import-LanceCanonical
    if ($null -eq $Rows) { $Rows = @() }
    [GenevaLanceCanonical]::Lines($Rows, [string[]] @($Columns | ForEach-Object { $_.name }), [string[]] @($Columns | ForEach-Object { $_.type }))
}
