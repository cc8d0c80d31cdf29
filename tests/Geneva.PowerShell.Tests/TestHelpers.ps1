# Dot-sourced by every test file's BeforeAll: imports the built module and defines helpers.
Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -Force
$script:TestUdfs = Join-Path $PSScriptRoot '../../out/testudfs/Geneva.TestUdfs.dll'

# A table of $Rows rows (id 1..N, text) in fragments of $PerFragment rows.
function New-TestTable {
    param([int] $Rows = 100, [int] $PerFragment = 50, [string] $Name = "t$(Get-Random).lance")
    $path = Join-Path $TestDrive $Name
    1..$Rows | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" + ('x' * ($_ % 7)) } } |
        New-GenevaTable -Path $path -MaxRowsPerFragment $PerFragment | Out-Null
    $path
}

# The command line that starts this same pwsh (as a local dotnet tool it is 'dotnet pwsh.dll').
function Get-PwshCommand {
    $exe = (Get-Process -Id $PID).Path
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { , @($exe, (Join-Path $PSHOME 'pwsh.dll')) } else { , @($exe) }
}

# Starts a script in a separate pwsh process and returns the Process (not waited for).
function Start-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script)
    $file = Join-Path $TestDrive "child-$(Get-Random).ps1"
    Set-Content -LiteralPath $file -Value $Script
    $cmd = Get-PwshCommand
    $info = [Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in @($cmd | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    [Diagnostics.Process]::Start($info)
}

# Polls a condition (what a job shows from another session, say) until it holds or the time runs out.
function Wait-Until {
    param([scriptblock] $Condition, [int] $Seconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for: $Condition" }
        Start-Sleep -Milliseconds 100
    }
}
