BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:t = New-TestTable -Rows 30 -PerFragment 10
    $udf = New-GenevaUdf -Name sevens -OnError Skip -ScriptBlock { param($id) if ($id % 7 -eq 0) { throw [IO.IOException]::new("no sevens: row $id") }; $id } -OutputType int64
    Add-GenevaColumn -Table $t -Name s -Udf $udf | Out-Null
    $script:result = Start-GenevaBackfill -Table $t -Column s -Where 'id > 3' -CheckpointSize 10 -Concurrency 1
    $script:job = Get-GenevaJob $t -JobId $result.JobId
}

Describe 'Job records' {
    It 'expose the request as a typed object, not JSON' {
        $job.Request | Should -BeOfType ([Geneva.Core.Planning.BackfillRequest])
        $job.Request.Column | Should -Be 's'
        $job.Request.Where | Should -Be 'id > 3'
        $job.Request.CheckpointSize | Should -Be 10
        $job.Request.Concurrency | Should -Be 1
        $job.PSObject.Properties['RequestJson'] | Should -BeNullOrEmpty
    }

    It 'are read-only to callers: a job, its workers and its row errors cannot be changed' {
        $err = { $job.Status = 'Done' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'PropertyAssignmentException'
        $err.Exception.Message | Should -BeLike "*'Status' is a ReadOnly property*"
        { $job.RowsCheckpointed = 0 } | Should -Throw -ErrorId 'PropertyAssignmentException'
        { $job.Workers[0].Rows = 0 } | Should -Throw -ErrorId 'PropertyAssignmentException'
        $rowError = Get-GenevaBackfillError $t | Select-Object -First 1
        $rowError.Message | Should -BeLike 'no sevens*'
        { $rowError.Message = 'changed' } | Should -Throw -ErrorId 'PropertyAssignmentException'
        (Get-GenevaJob $t -JobId $result.JobId).Status | Should -Be 'Done'
    }

    It 'hold read-only lists: a job''s workers and a table''s columns cannot be added to or cleared' {
        $count = $job.Workers.Count
        { $job.Workers.Add($null) } | Should -Throw
        $job.Workers.Count | Should -Be $count
        $table = Get-GenevaTable $t
        { $table.Columns.Clear() } | Should -Throw
        $table.Columns.Count | Should -BeGreaterThan 0
    }
}
