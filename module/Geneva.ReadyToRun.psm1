# Loads this platform's ReadyToRun images of the module's libraries (bin/<os>-<arch>/, made by build.ps1) before the
# root module binds them, so Geneva.Core and its libraries run without JIT at start-up (bench/README.md, start-up).
# A ReadyToRun image for another platform does not load at all, so only a folder named for this platform is taken;
# without one the portable assemblies in bin/ load as before. Geneva.PowerShell.dll itself (the root module) stays
# the portable one; its workers use the folder too. Imported by Geneva.psd1 as a nested module: it exports nothing.
$os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
$folder = Join-Path $PSScriptRoot "bin/$os-$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant())"
if ([System.IO.File]::Exists((Join-Path $folder 'Geneva.Core.dll'))) {
    # Never a second copy of an assembly the process has (pwsh's own, or one loaded already): those bind as before.
    $have = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
    foreach ($path in ([string][System.AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES')).Split([System.IO.Path]::PathSeparator)) {
        $null = $have.Add([System.IO.Path]::GetFileNameWithoutExtension($path))
    }
    foreach ($assembly in [System.AppDomain]::CurrentDomain.GetAssemblies()) { $null = $have.Add($assembly.GetName().Name) }
    foreach ($dll in [System.IO.Directory]::GetFiles($folder, '*.dll')) {
        $name = [System.IO.Path]::GetFileNameWithoutExtension($dll)
        if ($name -in 'Geneva.PowerShell', 'Geneva.Worker' -or $have.Contains($name)) { continue }
        try { $null = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyPath($dll) }
        catch { Write-Verbose "Geneva: $name stays the portable build: $($_.Exception.Message)" }
    }
}
Export-ModuleMember
