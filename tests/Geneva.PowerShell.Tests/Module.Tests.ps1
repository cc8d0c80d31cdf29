# Checks that the built module (module/, from build.ps1) loads with its dependencies, native ones included.
BeforeAll {
    $script:module = Import-Module (Join-Path $PSScriptRoot '../../module/Geneva.psd1') -Force -PassThru
    # Opening a table's job database loads Microsoft.Data.Sqlite and Apache.Arrow from the module's bin folder.
    $t = Join-Path $TestDrive 't'
    [pscustomobject]@{ a = 1 } | New-GenevaTable -Path $t | Out-Null
    Get-GenevaJob -Table $t | Out-Null
}

Describe 'Geneva module' {
    It 'imports from the manifest' {
        $module.Name | Should -Be 'Geneva'
        $module.Version | Should -Be ([version] '0.1.0')
        Get-Module -Name Geneva | Should -Not -BeNullOrEmpty
    }

    It 'opens a SQLite connection (native e_sqlite3 from the module runtimes folder)' {
        # Fails without GenevaModuleInitializer: pwsh does not probe runtimes/<rid>/native itself.
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=:memory:')
        try {
            $connection.Open()
            $command = $connection.CreateCommand()
            $command.CommandText = 'SELECT sqlite_version()'
            $command.ExecuteScalar() | Should -Match '^\d+\.\d+\.\d+$'
        }
        finally {
            $connection.Dispose()
        }
    }

    It 'loads Apache.Arrow types' {
        $field = [Apache.Arrow.Field]::new('n', [Apache.Arrow.Types.Int32Type]::Default, $false)
        $field.DataType.TypeId | Should -Be ([Apache.Arrow.Types.ArrowTypeId]::Int32)
    }
}

AfterAll {
    Remove-Module -Name Geneva -Force -ErrorAction Ignore
}
