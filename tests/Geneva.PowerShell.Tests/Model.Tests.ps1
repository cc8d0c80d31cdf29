BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:models = Join-Path $PSScriptRoot '../models'
    # PyTorch's outputs for the inputs make_models.py used (ids 0..39 for halve.pt).
    $script:expected = (Get-Content -Raw (Join-Path $models 'expected.json') | ConvertFrom-Json).outputs
}

Describe 'Model UDFs (TorchScript, on TorchSharp in a worker process)' {
    It 'backfills a column from a PyTorch model and records the device it ran on' {
        $t = Join-Path $TestDrive 'ids'
        0..39 | ForEach-Object { [pscustomobject]@{ id = [long] $_ } } | New-GenevaTable -Path $t -MaxRowsPerFragment 16 | Out-Null
        $udf = New-GenevaUdf -Model (Join-Path $models 'halve.pt') -InputColumn id -OutputType float32 -BatchSize 8
        $udf.Kind | Should -Be 'model'
        $udf.Device | Should -Be 'auto'
        Add-GenevaColumn -Table $t -Name half -Udf $udf

        $result = Start-GenevaBackfill -Table $t -Column half
        $result.Status | Should -Be 'Done'
        $values = @((Read-GenevaTable $t -Column id, half) | Sort-Object id | ForEach-Object half)
        $values.Count | Should -Be 40
        for ($i = 0; $i -lt 40; $i++) {
            [math]::Abs($values[$i] - $expected.'halve.pt'[$i]) | Should -BeLessThan 1e-5
        }
        (Get-GenevaJob $t).Device | Should -Be 'cpu'
    }

    It 'rejects a model whose output type is not float32 or fixed_size_list<float32>[D]' {
        { New-GenevaUdf -Model (Join-Path $models 'halve.pt') -InputColumn id -OutputType int32 -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfDefinitionInvalid,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand'
    }

    It 'reports a missing model file with its path' {
        { New-GenevaUdf -Model (Join-Path $TestDrive 'nope.pt') -InputColumn id -OutputType float32 -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfLoadFailed,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand' -ExpectedMessage '*nope.pt*'
    }

    It 'makes a new UDF version when the model file changes' {
        $copy = Join-Path $TestDrive 'model.pt'
        Copy-Item (Join-Path $models 'halve.pt') $copy
        $before = (New-GenevaUdf -Model $copy -InputColumn id -OutputType float32).EffectiveVersion
        Copy-Item (Join-Path $models 'linear4to3.pt') $copy -Force
        (New-GenevaUdf -Model $copy -InputColumn id -OutputType float32).EffectiveVersion | Should -Not -Be $before
    }
}

Describe 'Model UDFs (a TorchSharp module class with a weights file)' {
    BeforeAll {
        # Geneva.TestModels: the module classes (built as a user would build theirs) and a tool that gives
        # TinyMlp random weights, saves them in each format, and records its own forward pass over random inputs.
        $script:modelsDll = Get-ChildItem (Join-Path $PSScriptRoot '../Geneva.TestModels/bin') -Recurse -Filter 'Geneva.TestModels.dll' |
            Sort-Object LastWriteTime -Descending | Select-Object -First 1 -ExpandProperty FullName
        $script:weights = Join-Path $TestDrive 'weights'
        $runtime = $env:GENEVA_TORCH_RUNTIME ?? (Join-Path $PSScriptRoot '../../module/bin/torch/torch-runtime')
        # The module loads Geneva.Torch.Launch when a model backfill starts; this test needs it before that.
        # The module may have loaded it already, from its ReadyToRun folder: a second copy cannot load.
        if (-not ('Geneva.Torch.Launch.TorchWorkerLauncher' -as [type])) {
            Add-Type -Path (Join-Path $PSScriptRoot '../../module/bin/Geneva.Torch.Launch.dll')
        }
        $info = [Geneva.Torch.Launch.TorchWorkerLauncher]::HostStartInfo($runtime)
        $info.ArgumentList.Add($modelsDll)
        $info.ArgumentList.Add($weights)
        $info.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($info)
        $null = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $process.ExitCode | Should -Be 0
        $script:direct = Get-Content -Raw (Join-Path $weights 'tinymlp.json') | ConvertFrom-Json
        $script:vectors = Join-Path $TestDrive 'vectors'
        $i = 0
        $direct.inputs | ForEach-Object { [pscustomobject]@{ id = [long] $i++; vec = [float[]] $_ } } |
            New-GenevaTable -Path $vectors -Schema @{ id = 'int64'; vec = 'fixed_size_list<float32>[4]' } -MaxRowsPerFragment 16 | Out-Null
    }

    It 'backfills from <File> and equals the module''s own forward pass' -ForEach @(
        @{ File = 'tinymlp.safetensors' }, @{ File = 'tinymlp.pt' }, @{ File = 'tinymlp.dat' }
    ) {
        $column = 'emb' + [IO.Path]::GetExtension($File).TrimStart('.')
        $udf = New-GenevaUdf -Model (Join-Path $weights $File) -AssemblyPath $modelsDll -TypeName TinyMlp `
            -InputColumn vec -OutputType 'fixed_size_list<float32>[3]' -BatchSize 8
        $udf.TypeName | Should -Be 'Geneva.TestModels.TinyMlp'
        Add-GenevaColumn -Table $vectors -Name $column -Udf $udf
        (Start-GenevaBackfill -Table $vectors -Column $column).Status | Should -Be 'Done'

        $rows = @(Read-GenevaTable $vectors -Column id, $column | Sort-Object id)
        $rows.Count | Should -Be $direct.outputs.Count
        foreach ($row in $rows) {
            $want = $direct.outputs[$row.id]
            for ($c = 0; $c -lt 3; $c++) { [math]::Abs($row.$column[$c] - $want[$c]) | Should -BeLessThan 1e-5 }
        }
    }

    It 'asks for the module class, and for its assembly, when one is given without the other' {
        { New-GenevaUdf -Model (Join-Path $weights 'tinymlp.dat') -AssemblyPath $modelsDll `
            -InputColumn vec -OutputType 'fixed_size_list<float32>[3]' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfDefinitionInvalid,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand' -ExpectedMessage '*-TypeName*'
        { New-GenevaUdf -Model (Join-Path $weights 'tinymlp.dat') -TypeName TinyMlp `
            -InputColumn vec -OutputType 'fixed_size_list<float32>[3]' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfDefinitionInvalid,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand' -ExpectedMessage '*-AssemblyPath*'
    }

    It 'says which class is missing, and which the assembly has' {
        { New-GenevaUdf -Model (Join-Path $weights 'tinymlp.dat') -AssemblyPath $modelsDll -TypeName NoSuchMlp `
            -InputColumn vec -OutputType 'fixed_size_list<float32>[3]' -ErrorAction Stop } |
            Should -Throw -ErrorId 'UdfLoadFailed,Geneva.PowerShell.Cmdlets.NewGenevaUdfCommand' -ExpectedMessage '*Geneva.TestModels.TinyMlp*'
    }

    It 'fails the job with a clear error when the weights belong to another module, and writes no column data' {
        $udf = New-GenevaUdf -Model (Join-Path $weights 'tinymlp.safetensors') -AssemblyPath $modelsDll -TypeName WideMlp `
            -InputColumn vec -OutputType 'fixed_size_list<float32>[3]'
        Add-GenevaColumn -Table $vectors -Name wide -Udf $udf
        { Start-GenevaBackfill -Table $vectors -Column wide -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*do not fit 'Geneva.TestModels.WideMlp'*"
        @(Read-GenevaTable $vectors -Column wide | Where-Object { $null -ne $_.wide }).Count | Should -Be 0
    }
}
