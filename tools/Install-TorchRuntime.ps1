<#
.SYNOPSIS
    Installs the private runtime model-UDF workers need where the system's libstdc++ is too old.

.DESCRIPTION
    libtorch (TorchSharp-cpu 0.107.0) needs GLIBCXX_3.4.32, GCC 13's libstdc++. Debian 12 and
    Ubuntu 22.04 have 3.4.30. Debian 13's libstdc++ has it but needs glibc 2.38, so the worker gets
    Debian 13's loader, glibc and libstdc++ together: downloaded with apt-get from Debian's archive
    (suite trixie, a private sources list and lists folder, nothing installed system-wide), unpacked
    with dpkg -x, and a copy of the dotnet muxer whose ELF interpreter is set to that loader with
    patchelf (itself from the same download, run through the private loader). Only processes started
    through that muxer use it: Geneva.Torch.Worker, never the user's session.

    Does nothing where the system libstdc++ already has the symbol, or where -Destination is already
    complete. Needs apt-get and dpkg (Debian, Ubuntu) and network access to deb.debian.org.

    The build copies it beside the model worker (module/bin/torch, and so the Geneva.Torch package),
    where Install-GenevaTorchRuntime runs it; build.ps1 -Task TorchRuntime runs it for the source tree.
    Nothing runs it on import or on build.

.PARAMETER Destination
    The runtime folder: host/dotnet (patched muxer, with host/ and shared/ linked to the real dotnet
    root) and root/usr/lib/x86_64-linux-gnu (the libraries).
#>
param(
    [Parameter(Mandatory)] [string] $Destination,
    [string] $Mirror = 'http://deb.debian.org/debian',
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$required = 'GLIBCXX_3.4.32'
# apt reads relative Dir:: options against its root (/), so every path below is absolute.
$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
$systemLib = @('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/libstdc++.so.6', '/usr/lib64/libstdc++.so.6') |
    Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
if (-not $IsLinux) {
    Write-Host 'Torch runtime: not Linux, nothing to install.'
    return
}
if (-not $Force -and $systemLib -and (Select-String -LiteralPath $systemLib -SimpleMatch $required -Quiet)) {
    Write-Host "Torch runtime: $systemLib has $required, nothing to install."
    return
}
$marker = Join-Path $Destination 'ready'
if (-not $Force -and (Test-Path -LiteralPath $marker)) {
    Write-Host "Torch runtime: $Destination is installed."
    return
}
if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
    throw "The private torch runtime is made for x86_64 only (libtorch-cpu ships linux-x64 alone)."
}
foreach ($tool in 'apt-get', 'dpkg') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
        throw "Installing the private torch runtime needs $tool (Debian or Ubuntu). Otherwise install GCC 13's libstdc++ (it must define $required)."
    }
}

Write-Host "==> Torch runtime: Debian 13 loader, glibc and libstdc++ into $Destination (system libstdc++ lacks $required)"
if (Test-Path -LiteralPath $Destination) { Remove-Item -LiteralPath $Destination -Recurse -Force }
$apt = Join-Path $Destination 'apt'
$debs = Join-Path $Destination 'debs'
$root = Join-Path $Destination 'root'
$null = New-Item -ItemType Directory -Force -Path (Join-Path $apt 'lists/partial'), $debs, $root
$sources = Join-Path $apt 'sources.list'
Set-Content -LiteralPath $sources -Value "deb $Mirror trixie main"
$aptOptions = @(
    '-o', "Dir::Etc::SourceList=$sources", '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', "Dir::State::Lists=$(Join-Path $apt 'lists')", '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root', '-q'
)
& apt-get @aptOptions update | Out-Host
if ($LASTEXITCODE) { throw "apt-get update for Debian trixie failed (exit code $LASTEXITCODE); is $Mirror reachable?" }
# apt-get update exits 0 when it reaches no mirror at all (it warns and keeps the lists it has: none here).
if (-not (Get-ChildItem -LiteralPath (Join-Path $apt 'lists') -File -Filter '*Packages*')) {
    throw "apt-get could not download Debian trixie's package lists from $Mirror (offline, or a proxy in the way?)."
}
Push-Location $debs
try {
    & apt-get @aptOptions download libc6 libgcc-s1 libstdc++6 patchelf | Out-Host
    if ($LASTEXITCODE) { throw "apt-get download failed (exit code $LASTEXITCODE)." }
}
finally { Pop-Location }
foreach ($deb in Get-ChildItem -LiteralPath $debs -Filter *.deb) {
    & dpkg -x $deb.FullName $root
    if ($LASTEXITCODE) { throw "dpkg -x $($deb.Name) failed." }
}

$lib = Join-Path $root 'usr/lib/x86_64-linux-gnu'
$loader = Join-Path $lib 'ld-linux-x86-64.so.2'
$patchelf = Join-Path $root 'usr/bin/patchelf'
foreach ($file in $loader, (Join-Path $lib 'libstdc++.so.6'), $patchelf) {
    if (-not (Test-Path -LiteralPath $file)) { throw "The Debian packages did not provide $file." }
}

# The muxer copy finds host/ and shared/ beside itself, so link them to the real dotnet root.
$muxer = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
if ([IO.Path]::GetFileNameWithoutExtension($muxer) -ne 'dotnet') {
    $muxer = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
}
$muxer = (Get-Item -LiteralPath $muxer).ResolvedTarget ?? $muxer
$dotnetRoot = Split-Path -Parent $muxer
$hostDir = Join-Path $Destination 'host'
$null = New-Item -ItemType Directory -Force -Path $hostDir
Copy-Item -LiteralPath $muxer -Destination (Join-Path $hostDir 'dotnet')
foreach ($name in 'host', 'shared') {
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $hostDir $name) -Target (Join-Path $dotnetRoot $name)
}
& $loader --library-path $lib $patchelf --set-interpreter $loader --set-rpath $lib (Join-Path $hostDir 'dotnet')
if ($LASTEXITCODE) { throw "patchelf failed (exit code $LASTEXITCODE)." }

$env:LD_LIBRARY_PATH = $lib
try {
    $info = & (Join-Path $hostDir 'dotnet') --list-runtimes
    if ($LASTEXITCODE) { throw "The patched dotnet muxer does not run (exit code $LASTEXITCODE)." }
}
finally { Remove-Item Env:LD_LIBRARY_PATH }
Remove-Item -LiteralPath $apt, $debs -Recurse -Force
Set-Content -LiteralPath $marker -Value "Debian trixie libc6, libgcc-s1, libstdc++6 for $dotnetRoot`n$($info -join "`n")"
Write-Host "Torch runtime ready: $Destination"
