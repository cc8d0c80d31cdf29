# Checks the built module's help (module/en-US, from help/*.md) and default format views.
BeforeAll {
    $script:module = Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -Force -PassThru

    # Renders like the console does, wide enough that no column is cut.
    function Format-Text([Parameter(ValueFromPipeline)] $InputObject) {
        begin { $items = [System.Collections.Generic.List[object]]::new() }
        process { $items.Add($InputObject) }
        end { $items | Out-String -Width 250 }
    }

    $script:table = Join-Path $TestDrive 'docs'
    1..30 | ForEach-Object { [pscustomobject]@{ id = $_; text = "row $_" } } |
        New-GenevaTable -Path $table -MaxRowsPerFragment 10 | Out-Null
    $script:udf = New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32
    Add-GenevaColumn -Table $table -Name tlen -Udf $udf
    $failing = New-GenevaUdf -Name seven -OutputType utf8 -OnError Skip -ScriptBlock {
        param($text) if ($text -like '*7') { throw [System.IO.IOException]::new("no sevens: $text") }; $text
    }
    Add-GenevaColumn -Table $table -Name seven -Udf $failing
    $script:plan = Get-GenevaBackfillPlan -Table $table -Column tlen -CheckpointSize 4 -MinCheckpointSize 2
    $script:result = $plan | Start-GenevaBackfill
    Start-GenevaBackfill -Table $table -Column seven | Out-Null
}

Describe 'Cmdlet help' {
    BeforeDiscovery {
        $script:cmdlets = @(Get-Command -Module (Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -PassThru -Force).Name -CommandType Cmdlet |
            ForEach-Object { @{ Name = $_.Name } })
    }

    It '<Name> has a synopsis, a description and examples' -ForEach $cmdlets {
        $help = Get-Help -Name $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis up from the syntax.
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        $help.Description.Text | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Examples.Example[0].Code | Should -Match $Name
    }

    It '<Name> documents every parameter' -ForEach $cmdlets {
        $help = Get-Help -Name $Name -Full
        $documented = @($help.Parameters.Parameter | Where-Object { $_.Description.Text })
        $expected = @((Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters })
        @($documented.Name | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'shows examples with Get-Help -Examples' {
        Get-Help Start-GenevaBackfill -Examples | Out-String | Should -Match 'Example 1: Backfill a column'
    }
}

Describe 'Format views' {
    It 'shows a table with formatted row count and its computed columns' {
        $text = Get-GenevaTable $table | Format-Text
        $text | Should -Match 'RowCount\s+: 30'
        $text | Should -Match 'Schema\s+: id:int64, text:utf8, tlen:int32'
        $text | Should -Match "Computed\s+: tlen = tlen@$($udf.EffectiveVersion) \(expression\)"
    }

    It 'shows columns as a table' {
        $text = (Get-GenevaTable $table).Columns | Format-Text
        $text | Should -Match 'Id\s+Name\s+Type\s+Udf\s+UdfKind\s+InputColumns'
        $text | Should -Match "tlen\s+int32\s+tlen\s+expression\s+text"
    }

    It 'shows a UDF without the raw error policy record' {
        $text = $udf | Format-Text
        $text | Should -Match 'InputColumns\s+: text'
        $text | Should -Match 'OnError\s+: Fail'
        $text | Should -Not -Match 'ErrorPolicy \{'
    }

    It 'collapses a plan into totals' {
        $text = $plan | Format-Text
        $text | Should -Match "Udf\s+: tlen@$($udf.EffectiveVersion)"
        $text | Should -Match 'Fragments\s+: 3'
        $text | Should -Match 'Tasks\s+: 9'
        $text | Should -Match 'RowsToCompute\s+: 30'
        $text | Should -Match 'CheckpointSize\s+: 2\.\.4'
        $text | Should -Match 'CommitGranularity\s+: 64'
        $text | Should -Not -Match 'PlannedFragment \{|BackfillSettings \{'
    }

    It 'shows fragments, tasks and settings of a plan' {
        $plan.Fragments | Format-Text | Should -Match 'FragmentId\s+Mode\s+RowCount\s+RowsToCompute\s+CheckpointedRows\s+Tasks'
        $plan.Tasks | Format-Text | Should -Match '\[4, 8\)'
        $plan.Settings | Format-Text | Should -Match 'MinCheckpointSize\s+: 2'
    }

    It 'shows a backfill result with seconds and rounded rows per second' {
        $text = $result | Format-Text
        $text | Should -Match 'Status\s+: Done'
        $text | Should -Match 'Rows\s+: 30 of 30 checkpointed'
        $text | Should -Match 'Elapsed\s+: \d+[.,]\d\d s'
        $text | Should -Match 'RowsPerSecond\s+: [\d,.\s]+\r?\n'
        $text | Should -Not -Match 'RowsPerSecond\s+: \d+\.\d'
    }

    It 'lists jobs with rows checkpointed of planned' {
        $text = Get-GenevaJob $table | Format-Text
        $text | Should -Match 'JobId\s+Column\s+Status\s+Rows\s+Errors\s+StartedAt'
        $text | Should -Match "$($result.JobId)\s+tlen\s+Done\s+30/30\s+0\s+\d\d-\d\d "
    }

    It 'lists a job''s workers with their current checkpoint size' {
        $text = (Get-GenevaJob $table).Workers | Format-Text
        $text | Should -Match 'Worker\s+Checkpoints\s+Rows\s+CheckpointSize\s+LastSeconds\s+Rows/UdfSecond'
        $text | Should -Match ':\d+\s+\d+\s+[\d,]+\s+\d+\s+\d+\.\d\d'
    }

    It 'lists row errors with the short exception type' {
        $text = Get-GenevaBackfillError $table | Format-Text
        $text | Should -Match 'Fragment\s+RowOffset\s+Action\s+Key\s+Message'
        $text | Should -Match 'Skip\s.*IOException: no sevens: row 7'
    }

    It 'lists versions' {
        $text = Get-GenevaTableVersion $table | Format-Text
        $text | Should -Match 'Version\s+Timestamp\s+Operation\s+RowCount\s+Fragments\s+Detail'
        $text | Should -Match 'add_column\s+30\s+3\s+tlen'
    }

    It 'keeps Format-List * showing every property' {
        $text = Get-GenevaJob $table | Select-Object -First 1 | Format-List * | Format-Text
        $text | Should -Match 'Request\s+:'
        $text | Should -Match 'UdfSeconds\s+:'
    }
}

AfterAll {
    Remove-Module -Name Geneva -Force -ErrorAction Ignore
}
