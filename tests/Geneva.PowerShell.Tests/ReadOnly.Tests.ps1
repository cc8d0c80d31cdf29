BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Every file and folder under a table, with size and write time: what a read must leave as it was.
    function Get-TableState {
        param([string] $Path)
        Get-ChildItem -LiteralPath $Path -Recurse -Force | ForEach-Object {
            '{0}|{1}|{2}' -f $_.FullName.Substring($Path.Length), $(if ($_.PSIsContainer) { 'dir' } else { $_.Length }), $_.LastWriteTimeUtc.Ticks
        } | Sort-Object
    }

    # Runs every reading command on a table.
    function Invoke-Reads {
        param([string] $Path)
        [pscustomobject]@{
            Table    = Get-GenevaTable $Path
            Versions = @(Get-GenevaTableVersion $Path)
            Rows     = @(Read-GenevaTable $Path)
            Jobs     = @(Get-GenevaJob $Path)
            Errors   = @(Get-GenevaBackfillError $Path)
        }
    }
}

Describe 'Reading commands write nothing' {
    It 'leave a table that never ran a backfill as it was: no _geneva folder, no database' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null
        $before = Get-TableState $t

        $read = Invoke-Reads $t
        $read.Table.RowCount | Should -Be 20
        $read.Rows.Count | Should -Be 20
        $read.Jobs.Count | Should -Be 0
        { Get-GenevaJob $t -JobId nope -ErrorAction Stop } | Should -Throw -ErrorId 'JobNotFound,Geneva.PowerShell.Cmdlets.GetGenevaJobCommand'

        Join-Path $t '_geneva' | Should -Not -Exist
        Get-TableState $t | Should -Be $before
    }

    It 'leave a table with a finished job as it was: the database is read, no -wal or -shm appears' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null
        $result = Start-GenevaBackfill -Table $t -Column tlen
        $before = Get-TableState $t

        $read = Invoke-Reads $t
        $read.Jobs.JobId | Should -Be $result.JobId
        $read.Jobs.Status | Should -Be 'Done'
        (Get-GenevaJob $t -JobId $result.JobId).RowsCheckpointed | Should -Be 20

        Get-TableState $t | Should -Be $before
    }

    It 'open a table in a read-only folder and change nothing' {
        $t = New-TestTable -Rows 20 -PerFragment 10
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32) | Out-Null
        $result = Start-GenevaBackfill -Table $t -Column tlen
        $before = Get-TableState $t
        # As root, chmod does not stop writes: the state comparison below is what proves nothing was written.
        & chmod -R a-w $t
        try {
            $read = Invoke-Reads $t
            $read.Table.Version | Should -Be $result.TableVersion
            $read.Versions.Count | Should -Be $result.TableVersion
            @($read.Rows | Where-Object { $_.tlen -ne $_.text.Length }).Count | Should -Be 0
            $read.Jobs.Status | Should -Be 'Done'
        }
        finally {
            & chmod -R u+w $t
        }
        Get-TableState $t | Should -Be $before
    }
}
