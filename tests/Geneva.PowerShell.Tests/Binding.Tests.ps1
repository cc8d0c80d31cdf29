BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Output objects are read-only' {
    BeforeAll {
        $script:t = New-TestTable -Rows 60 -PerFragment 30
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64)
        $script:plan = Get-GenevaBackfillPlan -Table $t -Column c -CheckpointSize 20
        $script:result = Start-GenevaBackfill -Table $t -Column c
        $script:table = Get-GenevaTable $t
    }

    # PowerShell ignores C#'s init-only marker, so a public 'init' is a setter to it: each property
    # of each emitted type must refuse assignment.
    It 'refuses to set <Name>.<Property>' -ForEach @(
        @{ Name = 'BackfillPlan'; Object = { $plan }; Property = 'Column'; Value = 'x' }
        @{ Name = 'BackfillPlan'; Object = { $plan }; Property = 'TableVersion'; Value = 99 }
        @{ Name = 'BackfillPlan'; Object = { $plan }; Property = 'DeferredFragments'; Value = 9 }
        @{ Name = 'PlannedFragment'; Object = { $plan.Fragments[0] }; Property = 'RowCount'; Value = 1 }
        @{ Name = 'BackfillTask'; Object = { $plan.Tasks[0] }; Property = 'Offset'; Value = 7 }
        @{ Name = 'BackfillSettings'; Object = { $plan.Settings }; Property = 'Concurrency'; Value = 3 }
        @{ Name = 'BackfillResult'; Object = { $result }; Property = 'Status'; Value = 'Failed' }
        @{ Name = 'BackfillResult'; Object = { $result }; Property = 'ErrorCount'; Value = 5 }
        @{ Name = 'GenevaTableInfo'; Object = { $table }; Property = 'Path'; Value = 'x' }
        @{ Name = 'GenevaColumnInfo'; Object = { $table.Columns[0] }; Property = 'Name'; Value = 'x' }
        @{ Name = 'TableVersionInfo'; Object = { Get-GenevaTableVersion $t | Select-Object -First 1 }; Property = 'Version'; Value = 99 }
    ) {
        $o = & $Object
        $o.GetType().Name | Should -Be $Name
        $before = $o.$Property
        { $o.$Property = $Value } | Should -Throw -ErrorId 'PropertyAssignmentException'
        $o.$Property | Should -Be $before
    }

    It 'leaves no settable property on <_>' -ForEach @(
        'Geneva.Core.Planning.BackfillPlan', 'Geneva.Core.Planning.PlannedFragment', 'Geneva.Core.Planning.BackfillTask',
        'Geneva.Core.Planning.BackfillSettings', 'Geneva.Core.Execution.BackfillResult', 'Geneva.Core.Storage.TableVersionInfo',
        'Geneva.PowerShell.Output.GenevaTableInfo', 'Geneva.PowerShell.Output.GenevaColumnInfo'
    ) {
        # The same rule PowerShell's adapter uses: a public set (or init) accessor makes a property settable.
        $type = [Geneva.Core.Planning.BackfillPlan].Assembly.GetType($_) ?? [Geneva.PowerShell.Output.GenevaTableInfo].Assembly.GetType($_)
        $settable = $type.GetProperties() | Where-Object { $null -ne $_.GetSetMethod() } | ForEach-Object Name
        $settable | Should -BeNullOrEmpty
    }
}
