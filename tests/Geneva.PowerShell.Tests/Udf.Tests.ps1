BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'New-GenevaUdf' {
    It 'takes a scriptblock''s input columns from its parameters' {
        $u = New-GenevaUdf -Name flen -ScriptBlock { param($filename) $filename.Length } -OutputType int32
        $u.Kind | Should -Be 'scriptblock'
        $u.InputColumns | Should -Be @('filename')
        $u.OutputType | Should -Be 'int32'
    }

    It 'takes an expression''s input columns from the columns it names' {
        $u = New-GenevaUdf -Name tlen -Expression 'length(text) + id' -OutputType int64
        $u.InputColumns | Should -Be @('text', 'id')
    }

    It 'describes a .NET UDF class from an assembly, attribute defaults included' {
        $u = New-GenevaUdf -AssemblyPath $TestUdfs -TypeName BatchFailOnBoom
        $u.Kind | Should -Be 'dotnet'
        $u.Batched | Should -BeTrue
        $u.OnError.Name | Should -Be 'Skip'
        (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WordCount).InputColumns | Should -Be @('text')
    }

    It 'takes a .NET UDF with -InputColumn and its declared -OutputType, and refuses another output type' {
        $u = New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WordCount -InputColumn text -OutputType int32
        ($u.Kind, $u.OutputType, $u.InputColumns) | Should -Be @('dotnet', 'int32', 'text')
        { New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WordCount -InputColumn text -OutputType int64 -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfDefinitionInvalid,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand'
    }

    It 'changes its version when its definition changes' {
        $a = New-GenevaUdf -Name f -ScriptBlock { param($x) $x } -OutputType utf8
        $b = New-GenevaUdf -Name f -ScriptBlock { param($x) "$x!" } -OutputType utf8
        $a.EffectiveVersion | Should -Not -Be $b.EffectiveVersion
        # An explicit version is a label: the hash of the UDF's bytes (here its text) stays part of it.
        $v1 = (New-GenevaUdf -Name f -ScriptBlock { param($x) $x } -OutputType utf8 -Version v1).EffectiveVersion
        $v1 | Should -Match '^v1\+[0-9a-f]{8}$'
        (New-GenevaUdf -Name f -ScriptBlock { param($x) "$x?" } -OutputType utf8 -Version v1).EffectiveVersion | Should -Not -Be $v1
    }

    It 'rejects a bad error-rule regex when the UDF is defined' {
        { New-GenevaUdf -Name f -Expression 'id' -OutputType int64 -OnError @{ Exception = 'IOException'; Match = '('; Action = 'Retry' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfDefinitionInvalid,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand'
    }

    It 'rejects an unknown output type' {
        { New-GenevaUdf -Name f -Expression 'id' -OutputType int33 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand'
    }

    It 'names a missing assembly clearly' {
        { New-GenevaUdf -AssemblyPath (Join-Path $TestDrive 'nope.dll') -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfLoadFailed,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand'
    }
}

Describe 'Add-GenevaColumn and Set-GenevaColumn' {
    It 'adds a computed column that is null until backfilled and shows its binding' {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name tlen -Udf (New-GenevaUdf -Name tlen -Expression 'length(text)' -OutputType int32)
        $col = (Get-GenevaTable $t).Columns | Where-Object Name -eq tlen
        $col.UdfName | Should -Be 'tlen'
        $col.InputColumns | Should -Be @('text')
        (Read-GenevaTable $t | Where-Object tlen -ne $null) | Should -BeNullOrEmpty
        @(Read-GenevaTable $t).Count | Should -Be 5
    }

    It 'refuses a UDF that reads a missing column' {
        $t = New-TestTable -Rows 5
        { Add-GenevaColumn -Table $t -Name x -Udf (New-GenevaUdf -Name x -Expression 'length(nope)' -OutputType int32) -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnNotFound,Geneva.PowerShell.Cmdlets.AddGenevaColumnCommand'
    }

    It 'refuses a duplicate column and changes nothing with -WhatIf' {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name c -Type int32 -WhatIf
        (Get-GenevaTable $t).Version | Should -Be 1
        Add-GenevaColumn -Table $t -Name c -Type int32
        { Add-GenevaColumn -Table $t -Name C -Type int32 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ColumnExists,Geneva.PowerShell.Cmdlets.AddGenevaColumnCommand'
    }

    It 'rebinds a column to a new UDF version' {
        $t = New-TestTable -Rows 5
        Add-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id' -OutputType int64)
        $info = Set-GenevaColumn -Table $t -Name c -Udf (New-GenevaUdf -Name c -Expression 'id * 2' -OutputType int64) -PassThru
        ($info.Columns | Where-Object Name -eq c).Udf.Source | Should -Be 'id * 2'
    }

    It 'completes column names of the table named by -Table' {
        $t = New-TestTable -Rows 5
        $line = "Read-GenevaTable -Table '$t' -Column te"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Be @('text')
    }
}

Describe 'A .NET UDF rebuilt in place' {
    BeforeAll {
        $script:core = [Geneva.Core.Udfs.IScalarUdf].Assembly.Location
        # Compiles a tiny UDF class returning $Tag to $Path, as a user's rebuild would (the session does not load it).
        function Build-TagUdf([string] $Path, [string] $Tag) {
            New-Item -ItemType Directory (Split-Path $Path) -Force | Out-Null
            Remove-Item -LiteralPath $Path -ErrorAction Ignore
            $source = 'using Geneva.Core.Udfs; [GenevaUdf("utf8", InputColumns = new[] { "id" })] ' +
                "public sealed class RebuiltTag : IScalarUdf { public object Apply(object[] args) => ""$Tag""; }"
            Add-Type -TypeDefinition $source -OutputAssembly $Path -ReferencedAssemblies $core, 'netstandard', 'System.Runtime'
        }
    }

    It 'is a new version: rebinding it and backfilling gives the new outputs, on the same pooled worker too' {
        $dll = Join-Path $TestDrive 'rebuilt/Tags.dll'
        $t = New-TestTable -Rows 100 -PerFragment 50
        Build-TagUdf $dll 'old'
        $old = New-GenevaUdf -AssemblyPath $dll -TypeName RebuiltTag
        Add-GenevaColumn -Table $t -Name tag -Udf $old
        (Start-GenevaBackfill -Table $t -Column tag -Concurrency 1).Status | Should -Be 'Done'
        @((Read-GenevaTable $t).tag | Select-Object -Unique) | Should -Be @('old')

        Build-TagUdf $dll 'new'
        $new = New-GenevaUdf -AssemblyPath $dll -TypeName RebuiltTag
        $new.EffectiveVersion | Should -Not -Be $old.EffectiveVersion
        Set-GenevaColumn -Table $t -Name tag -Udf $new
        (Start-GenevaBackfill -Table $t -Column tag -Concurrency 1).Status | Should -Be 'Done'
        @((Read-GenevaTable $t).tag | Select-Object -Unique) | Should -Be @('new')
    }

    It 'refuses to run a bound UDF whose assembly changed after binding, naming the change' {
        $dll = Join-Path $TestDrive 'changed/Tags.dll'
        $t = New-TestTable -Rows 20 -PerFragment 20
        Build-TagUdf $dll 'before'
        Add-GenevaColumn -Table $t -Name tag -Udf (New-GenevaUdf -AssemblyPath $dll -TypeName RebuiltTag)
        Build-TagUdf $dll 'after'
        $err = try { Start-GenevaBackfill -Table $t -Column tag -Concurrency 1 -ErrorAction Stop } catch { $_ }
        $err.FullyQualifiedErrorId | Should -Be 'UdfChanged,Geneva.PowerShell.Cmdlets.StartGenevaBackfillCommand'
        $err.Exception.Message | Should -BeLike '*changed after*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Set-GenevaColumn*'
        @((Read-GenevaTable $t).tag | Where-Object { $null -ne $_ }).Count | Should -Be 0
    }

    It 'stores null, not an empty string, when a row scriptblock returns nothing' {
        $t = New-TestTable -Rows 10 -PerFragment 10
        Add-GenevaColumn -Table $t -Name odd -Udf (New-GenevaUdf -Name odd -OutputType utf8 -ScriptBlock { param($id) if ($id % 2) { "odd $id" } })
        Start-GenevaBackfill -Table $t -Column odd -Concurrency 1 | Out-Null
        $rows = Read-GenevaTable $t
        @($rows | Where-Object { $null -eq $_.odd }).id | Should -Be @(2, 4, 6, 8, 10)
        @($rows | Where-Object { $_.odd -eq '' }).Count | Should -Be 0
    }
}
