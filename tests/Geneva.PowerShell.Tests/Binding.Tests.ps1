BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # The request a job was started with, as stored with the job (typed Request, or the older RequestJson).
    function Get-JobRequest([string] $Table) {
        $job = @(Get-GenevaJob $Table)[-1]
        if ($job.PSObject.Properties['Request']) { $job.Request } else { $job.RequestJson | ConvertFrom-Json }
    }
}

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


Describe 'Pipeline binding of backfill commands' {
    BeforeEach {
        $script:t = New-TestTable -Rows 90 -PerFragment 30
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64)
    }

    It 'takes a piped table object as -Table' {
        (Get-GenevaTable $t | Get-GenevaBackfillPlan -Column c).RowsToCompute | Should -Be 90
        $r = Get-GenevaTable $t | Start-GenevaBackfill -Column c
        $r.Status | Should -Be 'Done'
        $r.UdfValuesComputed | Should -Be 90
    }

    It 'takes a piped table path as -Table' {
        ($t | Start-GenevaBackfill -Column c).UdfValuesComputed | Should -Be 90
    }

    It 'applies -Concurrency, -IntraApplierConcurrency and -CheckpointTimeout to a piped plan, keeping its planning settings' {
        $plan = Get-GenevaBackfillPlan -Table $t -Column c -Where 'id > 10' -CheckpointSize 20 -Concurrency 5
        $r = $plan | Start-GenevaBackfill -Concurrency 1 -IntraApplierConcurrency 2 -CheckpointTimeout 77
        $r.Status | Should -Be 'Done'
        $r.UdfValuesComputed | Should -Be 80
        $request = Get-JobRequest $t
        $request.Concurrency | Should -Be 1
        $request.IntraApplierConcurrency | Should -Be 2
        $request.CheckpointTimeout | Should -Be 77
        $request.Where | Should -Be 'id > 10'
        $request.CheckpointSize | Should -Be 20
    }

    It 'runs a piped plan as a job with -AsJob and the run-time knobs' {
        $job = Get-GenevaBackfillPlan -Table $t -Column c | Start-GenevaBackfill -AsJob -Concurrency 1 -CheckpointTimeout 55
        try {
            $job | Wait-Job -Timeout 120 | Out-Null
            $job.State | Should -Be 'Completed'
            ($job | Receive-Job).UdfValuesComputed | Should -Be 90
            (Get-JobRequest $t).CheckpointTimeout | Should -Be 55
        } finally {
            $job | Remove-Job -Force
        }
    }

    It 'keeps the plan''s own run-time settings when none is given' {
        Get-GenevaBackfillPlan -Table $t -Column c -Concurrency 1 -CheckpointTimeout 66 | Start-GenevaBackfill | Out-Null
        $request = Get-JobRequest $t
        $request.Concurrency | Should -Be 1
        $request.CheckpointTimeout | Should -Be 66
    }

    It 'takes planning settings only with -Column: a plan keeps its own' {
        # -NumFrags belongs to the Column set only, so the piped plan is read as a table and -Column is missing.
        $plan = Get-GenevaBackfillPlan -Table $t -Column c
        { $plan | Start-GenevaBackfill -NumFrags 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'MissingMandatoryParameter,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        (Get-Command Start-GenevaBackfill).Parameters['NumFrags'].ParameterSets.Keys | Should -Be 'Column'
        (Get-Command Start-GenevaBackfill).Parameters['Concurrency'].ParameterSets.Keys | Should -Be '__AllParameterSets'
    }
}

Describe 'A plan carries every field of its request' {
    BeforeAll {
        # One valid, non-default value per BackfillRequest property. A property added to the request
        # fails the first test until it is given a value here, and then the round trips check it.
        $script:values = [ordered]@{
            Column                  = 'c'
            Where                   = 'id > 3'
            NumFrags                = 2
            CheckpointSize          = 40
            MinCheckpointSize       = 5
            MaxCheckpointSize       = 30
            CommitGranularity       = 3
            Concurrency             = 1
            IntraApplierConcurrency = 2
            CheckpointTimeout       = 77
            RetryErrors             = $true
        }
        $script:properties = [Geneva.Core.Planning.BackfillRequest].GetProperties().Name
    }

    It 'has a test value and a parameter of Get-GenevaBackfillPlan and Start-GenevaBackfill for every request property' {
        @($values.Keys) | Sort-Object | Should -Be (@($properties) | Sort-Object)
        foreach ($command in 'Get-GenevaBackfillPlan', 'Start-GenevaBackfill') {
            $parameters = (Get-Command $command).Parameters.Keys
            $properties | Where-Object { $_ -notin $parameters } | Should -BeNullOrEmpty -Because "$command takes every request field"
        }
    }

    It 'keeps every request property through <Name>' -ForEach @(
        @{ Name = 'the live plan'; Convert = { param($p) $p } }
        @{ Name = 'Export-Clixml and Import-Clixml'; Convert = {
                param($p) $file = Join-Path $TestDrive "plan-$(Get-Random).xml"; $p | Export-Clixml $file; Import-Clixml $file } }
        @{ Name = 'ConvertTo-Json and ConvertFrom-Json'; Convert = { param($p) $p | ConvertTo-Json -Depth 8 | ConvertFrom-Json } }
    ) {
        $t = New-TestTable -Rows 150 -PerFragment 30
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64)
        $parameters = @{}
        foreach ($key in $values.Keys) { $parameters[$key] = $values[$key] }
        $plan = Get-GenevaBackfillPlan -Table $t @parameters -WarningAction SilentlyContinue
        foreach ($key in $values.Keys) { $plan.Request.$key | Should -Be $values[$key] -Because "the plan's request keeps $key" }

        (& $Convert $plan) | Start-GenevaBackfill -WarningAction SilentlyContinue | Out-Null
        $request = Get-JobRequest $t
        foreach ($key in $values.Keys) { $request.$key | Should -Be $values[$key] -Because "the run's request keeps $key" }
    }
}

Describe 'Column completion' {
    It 'completes -Column from a table named by <Name>' -ForEach @(
        @{ Name = 'a table object'; Value = { Get-GenevaTable $args[0] } }
        @{ Name = 'a plan'; Value = { Get-GenevaBackfillPlan -Table $args[0] -Column tlen } }
        @{ Name = 'a job record'; Value = { Start-GenevaBackfill -Table $args[0] -Column tlen | Out-Null; Get-GenevaJob $args[0] } }
    ) {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        $global:GenevaCompletionTable = & $Value $t
        try {
            $line = 'Start-GenevaBackfill -Table $global:GenevaCompletionTable -Column tl'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('tlen')
        } finally {
            Remove-Variable -Name GenevaCompletionTable -Scope Global
        }
    }
}
