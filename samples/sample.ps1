# Placeholder: the real walkthrough replaces this once the Geneva cmdlets exist.
$ErrorActionPreference = 'Stop'

$module = Import-Module (Join-Path $PSScriptRoot '../module/Geneva.psd1') -PassThru
"Imported $($module.Name) $($module.Version) from $($module.ModuleBase)"
$commands = @(Get-Command -Module $module.Name)
"Exported commands: $($commands.Count)"
$commands | Sort-Object Name | ForEach-Object { "  $($_.CommandType) $($_.Name)" }
