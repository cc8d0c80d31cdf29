# Loads this platform's ReadyToRun images of the module's libraries (bin/<os>-<arch>/, made by build.ps1) before the
# root module binds them, so Geneva.Core and its libraries run without JIT at start-up (bench/README.md, start-up).
# A ReadyToRun image for another platform does not load at all, so only a folder named for this platform is taken;
# without one the portable assemblies in bin/ load as before. Geneva.PowerShell.dll itself (the root module, loaded
# here from the same path) stays the portable one. Imported by Geneva.psd1 as a nested module: it exports nothing.
$bin = Join-Path $PSScriptRoot 'bin'
$null = [System.Reflection.Assembly]::LoadFrom((Join-Path $bin 'Geneva.PowerShell.dll')).
    GetType('Geneva.PowerShell.Workers.ReadyToRunLoader').GetMethod('Load').Invoke($null, [object[]]@([string]$bin))
Export-ModuleMember
