# The default views at a normal 80-column terminal: every important field is shown, nothing is cut.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Renders like an 80-column console.
    function Format-Text80([Parameter(ValueFromPipeline)] $InputObject) {
        begin { $items = [System.Collections.Generic.List[object]]::new() }
        process { $items.Add($InputObject) }
        end { $items | Out-String -Width 80 }
    }

    # Text without its line breaks and padding, so a value wrapped over several lines reads whole.
    function Join-Wrapped([string] $Text) { $Text -replace '\s+', '' }

    $script:t = New-TestTable -Rows 30 -PerFragment 10 -Name views
    Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
    Add-GenevaColumn -Table $t -Name both -Udf (New-GenevaUdf -Name both -Expression 'id + length(text)' -OutputType int64)
    $script:message = 'no sevens in this row, and a message long enough that it can never fit on one line of an 80-column terminal'
    $failing = New-GenevaUdf -Name seven -OutputType utf8 -OnError Skip -ScriptBlock ([scriptblock]::Create(
        "param(`$text) if (`$text -like 'row 7*') { throw [System.IO.IOException]::new('$message') }; `$text"))
    Add-GenevaColumn -Table $t -Name seven -Udf $failing
    $script:plan = Get-GenevaBackfillPlan -Table $t -Column tlen -CheckpointSize 4
    $script:result = $plan | Start-GenevaBackfill
    Start-GenevaBackfill -Table $t -Column seven | Out-Null
    $script:job = @(Get-GenevaJob $t)[-1]
}

Describe 'Table views fit 80 columns by design' {
    BeforeDiscovery {
        [xml] $format = Get-Content (Join-Path $PSScriptRoot '../../module/Geneva.format.ps1xml') -Raw
        $script:tableViews = @($format.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl } |
            ForEach-Object { @{ Name = $_.Name; Headers = @($_.TableControl.TableHeaders.TableColumnHeader) } })
    }

    It '<Name> has fixed widths within 79 characters, leaving the last column room' -ForEach $tableViews {
        $fixed = @($Headers | Where-Object { $_.Width })
        foreach ($h in $fixed) { [int] $h.Width | Should -BeGreaterOrEqual $h.Label.Length -Because "header $($h.Label) fits its column" }
        $used = ($fixed | ForEach-Object { [int] $_.Width } | Measure-Object -Sum).Sum + $Headers.Count - 1
        if ($fixed.Count -eq $Headers.Count) {
            $used | Should -BeLessOrEqual 79
        } else {
            # Only the last column may take the rest, and it gets at least 12 characters.
            $Headers[-1].Width | Should -BeNullOrEmpty
            $used | Should -BeLessOrEqual (79 - 12)
        }
    }
}

Describe 'Default views at 80 columns' {
    It 'shows a row error''s whole message, wrapped, with the row and what the policy did' {
        $text = Get-GenevaBackfillError $t | Format-Text80
        $text | Should -Match 'Fragment\s+RowOffset\s+Action\s+Key\s+Message'
        $text | Should -Match "JobId: $($job.JobId)"
        $text | Should -Match '\s0\s+6\s+Skip\s'
        Join-Wrapped $text | Should -BeLike "*IOException:$(Join-Wrapped $message)*"
        $list = Get-GenevaBackfillError $t | Select-Object -First 1 | Format-List | Format-Text80
        $list | Should -Match 'Attempt\s+: 1'
        $list | Should -Match 'ErrorType\s+: System.IO.IOException'
        Join-Wrapped $list | Should -BeLike "*Message:$(Join-Wrapped $message)*"
    }

    It 'shows a table''s columns with their UDF, kind and input columns' {
        $text = (Get-GenevaTable $t).Columns | Format-Text80
        $text | Should -Match 'Id\s+Name\s+Type\s+Udf\s+UdfKind\s+InputColumns'
        $text | Should -Match 'tlen\s+int32\s+tlen\s+expression\s+text'
        # Two input columns wrap in the last column rather than being cut.
        Join-Wrapped $text | Should -BeLike '*bothint64bothexpressionid,text*'
        $list = (Get-GenevaTable $t).Columns | Where-Object Name -eq tlen | Format-List | Format-Text80
        $list | Should -Match "Udf\s+: tlen@$((Get-GenevaTable $t).Columns.Where({ $_.Name -eq 'tlen' }).UdfVersion) \(expression\)"
    }

    It 'lists jobs with status, rows, errors and start time' {
        $text = Get-GenevaJob $t | Format-Text80
        $text | Should -Match 'JobId\s+Column\s+Status\s+Rows\s+Errors\s+StartedAt'
        $text | Should -Match "$($result.JobId)\s+tlen\s+Done\s+30/30\s+0\s+\d\d-\d\d \d\d:\d\d"
        $text | Should -Match "$($job.JobId)\s+seven\s+Done\s+30/30\s+1\s"
    }

    It 'shows a job''s rate, checkpoints, fragments and workers in its list view' {
        $text = $job | Format-List | Format-Text80
        foreach ($label in 'JobId', 'Table', 'Column', 'Udf', 'Status', 'Rows', 'RowsPerSecond', 'Checkpoints', 'Fragments', 'Errors', 'Workers', 'StartedAt', 'EndedAt') {
            $text | Should -Match "(?m)^$label\s+:" -Because "the list view shows $label"
        }
        $text | Should -Match 'Errors\s+: 1'
        $text | Should -Match "Checkpoints\s+: $($job.Checkpoints)"
    }

    It 'lists workers with their checkpoint sizes and speed' {
        $text = $job.Workers | Format-Text80
        $text | Should -Match 'Worker\s+Checkpoints\s+Rows\s+CheckpointSize\s+LastSeconds\s+Rows/UdfSecond'
        $text | Should -Match ':\d+\s+\d+\s+[\d,]+\s+\d+\s+\d+\.\d\d\s+[\d,]+'
        $job.Workers | Select-Object -First 1 | Format-List | Format-Text80 | Should -Match 'UdfSeconds\s+: \d'
    }

    It 'shows a plan with its settings, fragments and tasks' {
        $text = $plan | Format-Text80
        foreach ($label in 'Table', 'Version', 'Column', 'Udf', 'Fragments', 'Tasks', 'RowsToCompute', 'CheckpointSize', 'CommitGranularity', 'NumFrags', 'Workers', 'CheckpointTimeout') {
            $text | Should -Match "(?m)^$label\s+:" -Because "the plan view shows $label"
        }
        $plan.Fragments | Format-Text80 | Should -Match 'FragmentId\s+Mode\s+RowCount\s+RowsToCompute\s+CheckpointedRows\s+Tasks'
        $plan.Fragments[0] | Format-List | Format-Text80 | Should -Match 'InputFiles\s+: data/'
        $plan.Tasks | Format-Text80 | Should -Match 'FragmentId\s+Offset\s+RowCount\s+Rows'
        $plan.Settings | Format-Text80 | Should -Match 'CheckpointTimeout\s+: 900 s'
    }

    It 'shows a result, a table, a UDF and versions' {
        $result | Format-Text80 | Should -Match 'Rows\s+: 30 of 30 checkpointed'
        Get-GenevaTable $t | Format-Text80 | Should -Match 'Schema\s+: id:int64, text:utf8, tlen:int32'
        (Get-GenevaTable $t).Columns[2].Udf | Format-Text80 | Should -Match 'InputColumns\s+: text'
        $text = Get-GenevaTableVersion $t | Format-Text80
        $text | Should -Match 'Version\s+Timestamp\s+Operation\s+RowCount\s+Fragments\s+Detail'
        $text | Should -Match 'add_column\s+30\s+3\s+tlen'
    }

    It 'shows a backfill job with the table''s job id' {
        $j = Start-GenevaBackfill -Table $t -Column both -AsJob
        try {
            $j | Wait-Job -Timeout 120 | Out-Null
            $text = $j | Format-Text80
            $text | Should -Match 'Id\s+Name\s+State\s+HasMoreData\s+GenevaJobId'
            $text | Should -Match "Completed\s+True\s+$($j.GenevaJobId)"
        } finally {
            $j | Remove-Job -Force
        }
    }
}
