BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # What Tab offers at the end of a command line, as PowerShell's own completion computes it.
    function Get-Completion {
        param([string] $Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    # A table with columns id, text (plain) and c, d (bound), a failed job of d and a done job of c.
    $script:t = New-TestTable -Rows 40 -PerFragment 20
    Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) | Out-Null
    Add-GenevaColumn -Table $t -Name d -Udf (New-GenevaUdf -Name d -ScriptBlock { param($id) throw 'no' } -OutputType int64) | Out-Null
    try { Start-GenevaBackfill -Table $t -Column d -ErrorAction Stop | Out-Null } catch { }
    $script:done = Start-GenevaBackfill -Table $t -Column c
    $script:failed = (Get-GenevaJob $t | Where-Object Column -eq d).JobId
    $script:versions = @((Get-GenevaTableVersion $t).Version)
}

AfterAll { Remove-Variable -Name GenevaCompletionTable -Scope Global -ErrorAction Ignore }

Describe 'Tab completion of columns, job ids and versions' {
    It 'completes -Column after a pipe from the first command''s table' {
        Get-Completion "Get-GenevaTable '$t' | Start-GenevaBackfill -Column " | Sort-Object | Should -Be @('c', 'd')
        Get-Completion "Get-GenevaTable -Path '$t' | Get-GenevaBackfillPlan -Column " | Sort-Object | Should -Be @('c', 'd')
        Get-Completion "Get-GenevaTable '$t' | Read-GenevaTable -Column t" | Should -Be @('text')
    }

    It 'completes -Column after a piped variable holding a table' {
        $global:GenevaCompletionTable = Get-GenevaTable $t
        Get-Completion '$GenevaCompletionTable | Start-GenevaBackfill -Column ' | Sort-Object | Should -Be @('c', 'd')
    }

    It 'still completes -Column from -Table, and offers nothing without a table' {
        Get-Completion "Start-GenevaBackfill -Table '$t' -Column " | Sort-Object | Should -Be @('c', 'd')
        Get-Completion 'Start-GenevaBackfill -Column ' | Where-Object { $_ -in 'c', 'd' } | Should -BeNullOrEmpty
    }

    It 'completes -JobId with the table''s jobs, newest first' {
        Get-Completion "Get-GenevaJob '$t' -JobId " | Should -Be @($done.JobId, $failed)
        Get-Completion "Get-GenevaBackfillError -Table '$t' -JobId " | Should -Be @($done.JobId, $failed)
        Get-Completion "Get-GenevaJob '$t' -JobId $($failed.Substring(0, $failed.Length - 2))" | Should -Be @($failed)
    }

    It 'completes Resume-GenevaBackfill -JobId with jobs that can resume only, also after a pipe' {
        Get-Completion "Resume-GenevaBackfill '$t' -JobId " | Should -Be @($failed)
        Get-Completion "Get-GenevaTable '$t' | Resume-GenevaBackfill -JobId " | Should -Be @($failed)
        Get-Completion "Resume-GenevaBackfill '$t' -Column c -JobId " | Should -BeNullOrEmpty
    }

    It 'completes -Version with the table''s versions, newest first, with what each commit did' {
        $expected = @($versions | Sort-Object -Descending | ForEach-Object { "$_" })
        Get-Completion "Read-GenevaTable '$t' -Version " | Should -Be $expected
        Get-Completion "Get-GenevaTable -Path '$t' -Version " | Should -Be $expected
        $match = (TabExpansion2 -inputScript "Read-GenevaTable '$t' -Version 1" -cursorColumn ("Read-GenevaTable '$t' -Version 1".Length)).CompletionMatches
        $match[0].CompletionText | Should -Be '1'
        $match[0].ToolTip | Should -Match '^1: \w+'
    }
}

Describe 'Get-GenevaTableVersion | Read-GenevaTable' {
    It 'reads the version piped in, not the latest' {
        $p = New-TestTable -Rows 10 -PerFragment 10
        41..45 | ForEach-Object { [pscustomobject]@{ id = $_; text = "new $_" } } | Add-GenevaRow -Table $p
        $list = @(Get-GenevaTableVersion $p)
        $list[0].TablePath | Should -Be $p

        @($list[0] | Read-GenevaTable).Count | Should -Be 10
        @(Get-GenevaTableVersion $p | Where-Object Version -eq $list[-1].Version | Read-GenevaTable).Count | Should -Be 15
        @(Read-GenevaTable $p).Count | Should -Be 15
    }

    It 'reads the version of a table object from Get-GenevaTable -Version, and -Version given wins over the piped one' {
        $p = New-TestTable -Rows 10 -PerFragment 10
        41..45 | ForEach-Object { [pscustomobject]@{ id = $_; text = "new $_" } } | Add-GenevaRow -Table $p
        $first = (Get-GenevaTableVersion $p)[0].Version
        @(Get-GenevaTable $p -Version $first | Read-GenevaTable).Count | Should -Be 10
        @(Get-GenevaTable $p | Read-GenevaTable).Count | Should -Be 15
        @((Get-GenevaTableVersion $p)[0] | Read-GenevaTable -Version (Get-GenevaTable $p).Version).Count | Should -Be 15
    }
}
