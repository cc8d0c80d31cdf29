# samples/SampleUdfs: the .NET UDF sample builds with dotnet build against the built module, as its README
# says, and each of its classes binds and backfills from pwsh.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:sampleProject = Join-Path $PSScriptRoot '../../samples/SampleUdfs'
    $script:moduleBin = (Resolve-Path (Join-Path $PSScriptRoot '../../module/bin')).Path

    # dotnet build; returns its output lines, with the exit code in $LASTEXITCODE.
    function Invoke-DotnetBuild([string] $Project, [string] $Output, [string[]] $Properties = @()) {
        & dotnet build $Project -c Release -o $Output --nologo -v quiet @($Properties | ForEach-Object { "-p:$_" }) 2>&1 | ForEach-Object { "$_" }
    }

    $script:sampleOut = Join-Path $TestDrive 'sample'
    $script:buildOutput = Invoke-DotnetBuild $sampleProject $sampleOut
    $script:buildExitCode = $LASTEXITCODE
    $script:sampleDll = Join-Path $sampleOut 'SampleUdfs.dll'
}

Describe 'The .NET UDF sample (samples/SampleUdfs)' {
    It 'builds against module/bin without copying Geneva.Core or Apache.Arrow' {
        $buildExitCode | Should -Be 0 -Because ($buildOutput -join "`n")
        $sampleDll | Should -Exist
        Join-Path $sampleOut 'Geneva.Core.dll' | Should -Not -Exist
        Join-Path $sampleOut 'Apache.Arrow.dll' | Should -Not -Exist
    }

    It 'binds and backfills each of its classes' {
        $t = Join-Path $TestDrive 'db/docs.lance'
        $rows = @(1..200 | ForEach-Object { [pscustomobject]@{ id = $_; text = "a Geneva backfill of row $_" } }) +
            [pscustomobject]@{ id = 201; text = '   ' }
        $rows | New-GenevaTable -Path $t -MaxRowsPerFragment 100 | Out-Null

        $udfs = @(foreach ($type in 'WordCount', 'TextLength', 'KeywordScore') { New-GenevaUdf -AssemblyPath $sampleDll -TypeName $type })
        $udfs.Name | Should -Be @('WordCount', 'text_length', 'keyword_score')
        $udfs.Kind | Should -Be @('dotnet', 'dotnet', 'dotnet')
        $udfs[0].InputColumns | Should -Be @('text')
        foreach ($udf in $udfs) {
            Add-GenevaColumn -Table $t -Name $udf.Name -Udf $udf
            (Start-GenevaBackfill -Table $t -Column $udf.Name).Status | Should -Be 'Done'
        }

        $read = @(Read-GenevaTable $t | Sort-Object id)
        $read[0].WordCount | Should -Be 6
        $read[0].text_length | Should -Be 'a Geneva backfill of row 1'.Length
        $read[0].keyword_score | Should -Be (2 / 6)
        $read[-1].WordCount | Should -Be 0
        $read[-1].text_length | Should -Be 3
        # KeywordScore throws for a text without words; its OnError = "Skip" leaves the row null and records it.
        $read[-1].keyword_score | Should -BeNullOrEmpty
        $errors = @(Get-GenevaBackfillError $t)
        $errors.Count | Should -Be 1
        $errors[0].ErrorType | Should -Match 'ArgumentException'
        $errors[0].Action | Should -Be 'Skip'
    }

    It 'builds as a copy outside the repository, against a module bin given by GenevaModuleBin' {
        $copy = Join-Path $TestDrive 'MyUdfs'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Get-ChildItem -LiteralPath $sampleProject -File | Copy-Item -Destination $copy
        $out = Join-Path $TestDrive 'myudfs-out'
        $output = Invoke-DotnetBuild $copy $out "GenevaModuleBin=$moduleBin"
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")

        # Without -TypeName the error lists the assembly's UDF classes.
        $err = { New-GenevaUdf -AssemblyPath (Join-Path $out 'SampleUdfs.dll') -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfLoadFailed,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand' -PassThru
        foreach ($class in 'SampleUdfs.KeywordScore', 'SampleUdfs.TextLength', 'SampleUdfs.WordCount') {
            $err.Exception.Message | Should -BeLike "*$class*"
        }
    }

    It 'says how to fix a GenevaModuleBin without Geneva.Core.dll' {
        $output = Invoke-DotnetBuild $sampleProject (Join-Path $TestDrive 'nowhere-out') "GenevaModuleBin=$(Join-Path $TestDrive 'nowhere')"
        $LASTEXITCODE | Should -Not -Be 0
        ($output -join "`n") | Should -Match 'Geneva.Core.dll is not in .*nowhere.*GenevaModuleBin'
    }
}

AfterAll {
    Remove-Module -Name Geneva -Force -ErrorAction Ignore
}
