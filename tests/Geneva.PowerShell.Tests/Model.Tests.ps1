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
