@{
    RootModule           = 'bin/Geneva.PowerShell.dll'
    # This platform's ReadyToRun libraries, if the build made them; loaded before the root module binds them.
    NestedModules        = @('Geneva.ReadyToRun.psm1')
    ModuleVersion        = '0.1.0'
    GUID                 = 'f39af1df-fe1b-4c18-a58c-7ee46ed03476'
    Author               = 'Geneva contributors'
    Description          = 'Geneva for PowerShell: Arrow-backed tables with checkpointed column UDFs.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Geneva.format.ps1xml')
    CmdletsToExport      = @(
        'New-GenevaTable', 'Get-GenevaTable', 'Add-GenevaRow', 'Read-GenevaTable', 'Get-GenevaTableVersion',
        'New-GenevaUdf', 'Add-GenevaColumn', 'Set-GenevaColumn', 'Remove-GenevaColumn',
        'Get-GenevaBackfillPlan', 'Start-GenevaBackfill', 'Resume-GenevaBackfill',
        'Get-GenevaJob', 'Get-GenevaBackfillError', 'Test-GenevaBackfill', 'Install-GenevaTorchRuntime',
        'Start-GenevaCluster', 'Start-GenevaWorker', 'Get-GenevaCluster', 'Stop-GenevaCluster',
        'New-GenevaClusterManifest'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
