# UDF kinds other than scriptblocks over a loopback cluster (issue 13): a TorchScript model (Geneva.Torch.Worker on
# a node's slot) and .NET UDF classes (Geneva.Worker on a node's slot), each equal to the same backfill run locally.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:models = Join-Path $PSScriptRoot '../models'
    # PyTorch's outputs for ids 0..39 through halve.pt.
    $script:expected = (Get-Content -Raw (Join-Path $models 'expected.json') | ConvertFrom-Json).outputs.'halve.pt'
    $script:small = @{ CheckpointSize = 10; MinCheckpointSize = 10; MaxCheckpointSize = 10 }

    # Runs the column's backfill on a copy of the table in this session, then over the cluster on the table itself;
    # returns both tables' rows (id and the column, in id order) and the cluster job's result.
    function Invoke-LocalAndCluster([string] $Table, [string] $Column, [int] $Concurrency = 2) {
        $local = Join-Path $TestDrive "local-$(Get-Random).lance"
        Copy-Item -Recurse $Table $local
        (Start-GenevaBackfill -Table $local -Column $Column @small).Status | Should -Be 'Done'
        $result = Start-GenevaBackfill -Table $Table -Column $Column -Cluster $cluster -Concurrency $Concurrency @small
        [pscustomobject]@{
            Result = $result
            Local = @(Read-GenevaTable $local -Column id, $Column | Sort-Object id)
            Cluster = @(Read-GenevaTable $Table -Column id, $Column | Sort-Object id)
        }
    }

    # Both nodes' slots did some of the work: receipts name "<node>/<host:pid>".
    function Assert-RanOnNodes([string] $Table) {
        $workers = @((Get-GenevaJob $Table | Select-Object -First 1).Workers)
        $workers | Should -Not -BeNullOrEmpty
        foreach ($w in $workers.Worker) { $w | Should -Match '^node-[12]/' }
        @($workers.Worker | ForEach-Object { ($_ -split '/')[0] } | Sort-Object -Unique) | Should -Be @('node-1', 'node-2')
        $workers
    }

    $script:cluster = Start-GenevaCluster -Workers 2 -Slots 1 -Timeout 60
    $script:nodePids = @($cluster.Workers.ProcessId)
}

AfterAll {
    if ($cluster) {
        $tree = @(Get-ProcessTree $nodePids)
        try { Stop-GenevaCluster $cluster -Timeout 15 -WarningAction Ignore } catch { }
        # Whatever outlived the stop (a slot worker, a node that did not leave) is killed.
        $left = @($tree | Where-Object { Test-Alive $_ })
        if ($left) { & kill -9 @left 2>$null }
    }
}

Describe 'UDF kinds over a loopback cluster' {
    It 'backfills a TorchScript model UDF over the cluster as locally, on the nodes'' model workers, with a device' {
        $t = Join-Path $TestDrive 'ids.lance'
        0..39 | ForEach-Object { [pscustomobject]@{ id = [long] $_ } } | New-GenevaTable -Path $t -MaxRowsPerFragment 10 | Out-Null
        $udf = New-GenevaUdf -Model (Join-Path $models 'halve.pt') -InputColumn id -OutputType float32 -BatchSize 8
        $udf.Kind | Should -Be 'model'
        Add-GenevaColumn -Table $t -Name half -Udf $udf

        $run = Invoke-LocalAndCluster $t half
        $run.Result.Status | Should -Be 'Done'
        $run.Result.RowsCheckpointed | Should -Be 40
        ($run.Cluster | ConvertTo-Json -Compress) | Should -Be ($run.Local | ConvertTo-Json -Compress)
        for ($i = 0; $i -lt 40; $i++) {
            [math]::Abs($run.Cluster[$i].half - $expected[$i]) | Should -BeLessThan 1e-5
        }
        $workers = Assert-RanOnNodes $t
        foreach ($w in $workers) { $w.Device | Should -Be 'cpu' -Because "$($w.Worker) ran the model" }
        (Get-GenevaJob $t | Select-Object -First 1).Device | Should -Be 'cpu'
    }

    It 'backfills .NET UDF classes (a batch UDF and a typed scalar UDF) over the cluster as locally' {
        $t = New-TestTable -Rows 60 -PerFragment 20
        Add-GenevaColumn -Table $t -Name len -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName StringLength)
        Add-GenevaColumn -Table $t -Name words -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName WordCount)

        $len = Invoke-LocalAndCluster $t len
        $len.Result.Status | Should -Be 'Done'
        $len.Result.RowsCheckpointed | Should -Be 60
        ($len.Cluster | ConvertTo-Json -Compress) | Should -Be ($len.Local | ConvertTo-Json -Compress)
        @($len.Cluster | Where-Object { $_.len -ne ("row $($_.id)" + ('x' * ($_.id % 7))).Length }).Count | Should -Be 0
        Assert-RanOnNodes $t | Out-Null

        $words = Invoke-LocalAndCluster $t words
        $words.Result.Status | Should -Be 'Done'
        ($words.Cluster | ConvertTo-Json -Compress) | Should -Be ($words.Local | ConvertTo-Json -Compress)
        @($words.Cluster | Where-Object words -ne 2).Count | Should -Be 0
    }

    It 'recomputes a Test-GenevaBackfill sample on the cluster''s nodes, which find the stored values' {
        $t = New-TestTable -Rows 40 -PerFragment 20
        Add-GenevaColumn -Table $t -Name len -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName StringLength)
        Start-GenevaBackfill -Table $t -Column len | Out-Null

        $stream = @(Test-GenevaBackfill -Table $t -Column len -Sample 10 -Seed 3 -Cluster $cluster -Verbose 4>&1)

        $result = @($stream | Where-Object { $_ -is [Geneva.Core.Verification.BackfillVerification] })
        $result.Count | Should -Be 1
        $result[0].Sampled | Should -Be 10
        $result[0].Mismatched | Should -Be 0
        $result[0].Passed | Should -BeTrue
        @($stream | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'dispatcher@' }).Count |
            Should -BeGreaterThan 0 -Because 'the sample ran through the cluster''s dispatcher, not a local worker'
    }

    It 'says ClusterNotFound when Test-GenevaBackfill -Cluster names no cluster' {
        $t = New-TestTable -Rows 10 -PerFragment 10
        Add-GenevaColumn -Table $t -Name len -Udf (New-GenevaUdf -AssemblyPath $TestUdfs -TypeName StringLength)
        Start-GenevaBackfill -Table $t -Column len | Out-Null

        { Test-GenevaBackfill -Table $t -Column len -Cluster 127.0.0.1:1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNotFound,Geneva.PowerShell.Cmdlets.TestGenevaBackfillCommand'
    }

    It 'leaves no node or slot worker running once the cluster is stopped' {
        $tree = @(Get-ProcessTree $nodePids)
        $tree.Count | Should -BeGreaterThan 2 -Because 'each node keeps its slot worker warm between tasks'
        Stop-GenevaCluster $cluster -Timeout 15
        Wait-Until { @($tree | Where-Object { Test-Alive $_ }).Count -eq 0 } -Seconds 20
        $script:cluster = $null
    }
}
