BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Parses YAML with PyYAML, a parser independent of the YamlDotNet that wrote it, into one object per document.
    $script:python = @('/usr/bin/python3', 'python3') | Where-Object {
        (Get-Command $_ -ErrorAction Ignore) -and $(& $_ -c 'import yaml' 2>$null; $LASTEXITCODE -eq 0)
    } | Select-Object -First 1
    function ConvertFrom-TestYaml([Parameter(ValueFromPipeline)] [string] $Yaml) {
        $python | Should -Not -BeNullOrEmpty -Because 'the manifest tests parse YAML with python3 and PyYAML (Debian: apt-get install python3-yaml)'
        $json = $Yaml | & $python -c 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'
        $LASTEXITCODE | Should -Be 0 -Because 'PyYAML parses the manifest'
        , @($json | ConvertFrom-Json -NoEnumerate)[0]
    }

    $script:base = @{ Name = 'geneva-workers'; Image = 'registry.example.com/geneva:0.1.0'; PostgresSecret = 'geneva-postgres' }
}

Describe 'New-GenevaClusterManifest' {
    Context 'a pool of GPU workers' {
        BeforeAll {
            $script:docs = New-GenevaClusterManifest @base -Replicas 40 -Slots 8 -NumGpus 4 -Cpu 16 -Memory 64Gi | ConvertFrom-TestYaml
            $script:deployment = $docs | Where-Object kind -eq 'Deployment'
            $script:container = $deployment.spec.template.spec.containers[0]
        }

        It 'writes a Deployment and a PodDisruptionBudget that select its pods' {
            @($docs.kind) | Should -Be 'Deployment', 'PodDisruptionBudget'
            $deployment.apiVersion | Should -Be 'apps/v1'
            $deployment.metadata.name | Should -Be 'geneva-workers'
            $deployment.spec.replicas | Should -Be 40
            $labels = $deployment.spec.template.metadata.labels
            $labels.'app.kubernetes.io/instance' | Should -Be 'geneva-workers'
            foreach ($selector in $deployment.spec.selector.matchLabels, ($docs | Where-Object kind -eq 'PodDisruptionBudget').spec.selector.matchLabels) {
                ($selector | ConvertTo-Json -Compress) | Should -Be ($labels | ConvertTo-Json -Compress)
            }
            ($docs | Where-Object kind -eq 'PodDisruptionBudget').apiVersion | Should -Be 'policy/v1'
            ($docs | Where-Object kind -eq 'PodDisruptionBudget').spec.maxUnavailable | Should -Be 1
        }

        It 'runs node with PostgreSQL membership, the slots and the GPUs, every argument a string' {
            $container.image | Should -Be 'registry.example.com/geneva:0.1.0'
            $container.command[0] | Should -Be 'dotnet'
            $container.command[1] | Should -BeLike '/usr/local/share/powershell/Modules/Geneva/*/bin/cluster/Geneva.Cluster.Host.dll'
            $arguments = @($container.args)
            $arguments[0] | Should -Be 'node'
            $arguments | ForEach-Object { $_ | Should -BeOfType [string] }
            $pairs = @{}
            for ($i = 1; $i -lt $arguments.Count; $i += 2) { $pairs[$arguments[$i]] = $arguments[$i + 1] }
            $pairs.ContainsKey('--postgres') | Should -BeFalse -Because 'the connection string comes from the environment, not the command line'
            $pairs['--slots'] | Should -Be '8'
            $pairs['--gpus'] | Should -Be '4'
            $pairs['--host'] | Should -Be '$(POD_IP)'
            $pairs['--name'] | Should -Be '$(POD_NAME)'
            $pairs['--silo-port'] | Should -Be '11111'
            $pairs['--gateway-port'] | Should -Be '30000'
        }

        It 'takes the connection string from the Secret and the pod''s name and IP from the downward API' {
            $variables = @{}
            $container.env | ForEach-Object { $variables[$_.name] = $_.valueFrom }
            $variables['GENEVA_CLUSTER_POSTGRES'].secretKeyRef.name | Should -Be 'geneva-postgres'
            $variables['GENEVA_CLUSTER_POSTGRES'].secretKeyRef.key | Should -Be 'connectionString'
            $variables['POD_IP'].fieldRef.fieldPath | Should -Be 'status.podIP'
            $variables['POD_NAME'].fieldRef.fieldPath | Should -Be 'metadata.name'
        }

        It 'requests the GPUs, CPU and memory, tolerates GPU taints and exposes the silo and gateway ports' {
            $container.resources.limits.'nvidia.com/gpu' | Should -Be 4
            $container.resources.requests.cpu | Should -Be '16'
            $container.resources.requests.memory | Should -Be '64Gi'
            $deployment.spec.template.spec.tolerations[0].key | Should -Be 'nvidia.com/gpu'
            @($container.ports | ForEach-Object { "$($_.name)=$($_.containerPort)" }) | Should -Be 'silo=11111', 'gateway=30000'
        }
    }

    It 'asks for no GPU and tolerates no GPU taint without -NumGpus' {
        $docs = New-GenevaClusterManifest @base | ConvertFrom-TestYaml
        $spec = $docs[0].spec.template.spec
        $docs[0].spec.replicas | Should -Be 3
        $spec.containers[0].resources.PSObject.Properties.Name | Should -BeNullOrEmpty
        $spec.PSObject.Properties.Name | Should -Not -Contain 'tolerations'
        $arguments = @($spec.containers[0].args)
        $arguments[[array]::IndexOf($arguments, '--gpus') + 1] | Should -Be '0'
        $arguments[[array]::IndexOf($arguments, '--slots') + 1] | Should -Be '1'
    }

    It 'mounts the tables'' claim at -TablePath, names the namespace and the module folder in the image' {
        $docs = New-GenevaClusterManifest @base -TableClaim geneva-tables -TablePath /mnt/tables -Namespace ml -ModulePath /opt/geneva/ -SiloPort 21111 -GatewayPort 31000 |
            ConvertFrom-TestYaml
        $spec = $docs[0].spec.template.spec
        ($spec.volumes | Where-Object name -eq 'tables').persistentVolumeClaim.claimName | Should -Be 'geneva-tables'
        ($spec.containers[0].volumeMounts | Where-Object name -eq 'tables').mountPath | Should -Be '/mnt/tables'
        @($docs.metadata.namespace) | Should -Be 'ml', 'ml'
        $spec.containers[0].command[1] | Should -Be '/opt/geneva/bin/cluster/Geneva.Cluster.Host.dll'
        $arguments = @($spec.containers[0].args)
        $arguments[[array]::IndexOf($arguments, '--worker-bin') + 1] | Should -Be '/opt/geneva/bin'
        $arguments[[array]::IndexOf($arguments, '--silo-port') + 1] | Should -Be '21111'
        $arguments[[array]::IndexOf($arguments, '--gateway-port') + 1] | Should -Be '31000'
    }

    It 'writes -Path, returns the file with -PassThru, and writes what it returns without -Path' {
        $path = Join-Path $TestDrive 'workers.yaml'
        $file = New-GenevaClusterManifest @base -Slots 2 -Path $path -PassThru
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $path
        Get-Content -Raw $path | Should -BeExactly (New-GenevaClusterManifest @base -Slots 2)
        New-GenevaClusterManifest @base -Path (Join-Path $TestDrive 'quiet.yaml') | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite -Path without -Force' {
        $path = Join-Path $TestDrive 'exists.yaml'
        Set-Content -LiteralPath $path -Value 'mine'
        $err = { New-GenevaClusterManifest @base -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ManifestExists,Geneva.PowerShell.Cmdlets.NewGenevaClusterManifestCommand'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be $path
        Get-Content -Raw $path | Should -Be "mine$([Environment]::NewLine)"

        New-GenevaClusterManifest @base -Path $path -Force
        (Get-Content -Raw $path | ConvertFrom-TestYaml)[0].kind | Should -Be 'Deployment'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.yaml'
        New-GenevaClusterManifest @base -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'refuses a name Kubernetes refuses' {
        $err = { New-GenevaClusterManifest -Name 'Geneva_Workers' -Image x -PostgresSecret s -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ParameterArgumentValidationError,Geneva.PowerShell.Cmdlets.NewGenevaClusterManifestCommand'
    }

    It 'refuses the same port for silo and gateway' {
        $err = { New-GenevaClusterManifest @base -SiloPort 30000 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ClusterPortsEqual,Geneva.PowerShell.Cmdlets.NewGenevaClusterManifestCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
