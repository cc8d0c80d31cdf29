using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Geneva.Cluster.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Geneva.Cluster.Tests
{
    /// <summary>
    /// Orleans ADO.NET clustering on a real, private PostgreSQL server (initdb + pg_ctl in a temp folder on a free
    /// loopback port), stopped when the class's tests are done. Without PostgreSQL these tests fail; they never skip.
    /// </summary>
    public sealed class PostgresMembershipTests : IClassFixture<PostgresMembershipTests.PrivatePostgres>
    {
        private static readonly TimeSpan s_formTimeout = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan s_deathTimeout = TimeSpan.FromSeconds(30);
        private readonly PrivatePostgres _server;

        public PostgresMembershipTests(PrivatePostgres server) => _server = server;

        [Fact]
        public async Task InstallSchemaAsync_EmptyDatabaseManyTimesAtOnce_InstallsEveryQueryOnce()
        {
            var cs = await _server.CreateDatabaseAsync();

            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresMembership.InstallSchemaAsync(cs)));
            await PostgresMembership.InstallSchemaAsync(cs);

            var keys = await QueryAsync(cs, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", r => r.GetString(0));
            Assert.Equal(
                new[]
                {
                    "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey",
                    "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
                    "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
                },
                keys);
        }

        [Fact]
        public async Task UsePostgresClustering_SiloKilled_OtherSiloDeclaresItDead()
        {
            var cs = await _server.CreateDatabaseAsync();
            await PostgresMembership.InstallSchemaAsync(cs);

            using var first = await StartSiloAsync(cs);
            using var second = ChildSilo.Start(cs, FreePort(), FreePort());
            try
            {
                await second.WaitReadyAsync(s_formTimeout);
                var rows = await WaitForAsync(cs, r => r.Count == 2 && r.All(m => m.Status == SiloStatus.Active), s_formTimeout);
                Assert.Equal(2, (await PostgresMembership.ActiveSilosAsync(cs)).Count);

                second.Kill();

                rows = await WaitForAsync(cs, r => r.Single(m => m.Port == second.SiloPort).Status == SiloStatus.Dead, s_deathTimeout);
                var dead = rows.Single(m => m.Port == second.SiloPort);
                // Killed, it could not write its own death: the vote is the surviving silo's.
                var firstAddress = first.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
                Assert.Contains(firstAddress.ToParsableString(), dead.SuspectTimes);
                Assert.Equal(SiloStatus.Active, rows.Single(m => m.Port == firstAddress.Endpoint.Port).Status);
                // The survivor's own view follows the table at its next refresh.
                var membership = first.Services.GetRequiredService<IClusterMembershipService>();
                var watch = Stopwatch.StartNew();
                while (!SeesDead(membership.CurrentSnapshot) && watch.Elapsed < s_deathTimeout)
                {
                    await Task.Delay(100);
                }
                Assert.True(SeesDead(membership.CurrentSnapshot), $"The surviving silo's view: {string.Join(", ", membership.CurrentSnapshot.Members.Values)}");
                Assert.Equal(new[] { firstAddress.Endpoint }, await PostgresMembership.ActiveSilosAsync(cs));
            }
            finally
            {
                await first.StopAsync(CancellationToken.None);
            }

            bool SeesDead(ClusterMembershipSnapshot snapshot) =>
                snapshot.Members.Values.Any(m => m.SiloAddress.Endpoint.Port == second.SiloPort && m.Status == SiloStatus.Dead);
        }

        [Fact]
        public async Task UsePostgresClustering_Client_FindsTheSilosThroughTheDatabase()
        {
            var cs = await _server.CreateDatabaseAsync();
            await PostgresMembership.InstallSchemaAsync(cs);
            using var silo = await StartSiloAsync(cs);
            try
            {
                var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                builder.UseOrleansClient(client => client
                    .UsePostgresClustering(cs)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterMembership.ClusterId, ClusterMembership.ServiceId)));
                using var clientHost = builder.Build();
                using var timeout = new CancellationTokenSource(s_formTimeout);
                await clientHost.StartAsync(timeout.Token);

                var hosts = await clientHost.Services.GetRequiredService<IClusterClient>()
                    .GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

                var address = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
                Assert.Equal(new[] { address }, hosts.Keys);
                await clientHost.StopAsync(CancellationToken.None);
            }
            finally
            {
                await silo.StopAsync(CancellationToken.None);
            }
        }

        [Fact]
        public async Task ActiveSilosAsync_NoSchemaOrNoSilo_IsEmpty()
        {
            var cs = await _server.CreateDatabaseAsync();

            Assert.Empty(await PostgresMembership.ActiveSilosAsync(cs));
            await PostgresMembership.InstallSchemaAsync(cs);
            Assert.Empty(await PostgresMembership.ActiveSilosAsync(cs));
        }

        [Fact]
        public void UsePostgresClustering_BlankConnectionString_Throws()
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            Assert.Throws<ArgumentException>(() => builder.UseOrleans(silo => silo.UsePostgresClustering(" ")));
        }

        private static async Task<IHost> StartSiloAsync(string connectionString)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleans(silo => ConfigureSilo(silo, connectionString, FreePort(), FreePort()));
            var host = builder.Build();
            using var timeout = new CancellationTokenSource(s_formTimeout);
            await host.StartAsync(timeout.Token);
            return host;
        }

        internal static void ConfigureSilo(ISiloBuilder silo, string connectionString, int siloPort, int gatewayPort) =>
            silo.UsePostgres(connectionString, new IPEndPoint(IPAddress.Loopback, siloPort), gatewayPort);

        private static async Task<List<MemberRow>> WaitForAsync(string cs, Func<List<MemberRow>, bool> done, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            List<MemberRow> rows = [];
            while (watch.Elapsed < timeout)
            {
                rows = await QueryAsync(cs,
                    $"SELECT Port, Status, coalesce(SuspectTimes, '') FROM OrleansMembershipTable WHERE DeploymentId = '{ClusterMembership.ClusterId}'",
                    r => new MemberRow(r.GetInt32(0), (SiloStatus)r.GetInt32(1), r.GetString(2)));
                if (rows.Count > 0 && done(rows))
                {
                    return rows;
                }
                await Task.Delay(100);
            }
            Assert.Fail($"The membership table did not get there in {timeout.TotalSeconds} s; it has: "
                + string.Join("; ", rows.Select(m => $"{m.Port} {m.Status} [{m.SuspectTimes}]")));
            return rows;
        }

        private static async Task<List<T>> QueryAsync<T>(string cs, string sql, Func<NpgsqlDataReader, T> read)
        {
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var result = new List<T>();
            while (await reader.ReadAsync())
            {
                result.Add(read(reader));
            }
            return result;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private sealed record MemberRow(int Port, SiloStatus Status, string SuspectTimes);

        /// <summary>
        /// A silo in a child process, so it can be killed for real: an in-process silo stopped abruptly still writes
        /// its own death. The child is this test assembly run with <see cref="StartupHook"/>, which hosts the silo.
        /// </summary>
        private sealed class ChildSilo : IDisposable
        {
            internal const string ArgumentsVariable = "GENEVA_TEST_POSTGRES_SILO";
            private readonly Process _process;
            private readonly Task<string?> _ready;

            private ChildSilo(Process process, int siloPort)
            {
                _process = process;
                SiloPort = siloPort;
                _ready = process.StandardOutput.ReadLineAsync();
                process.ErrorDataReceived += (_, _) => { };
                process.BeginErrorReadLine();
            }

            public int SiloPort { get; }

            public static ChildSilo Start(string cs, int siloPort, int gatewayPort)
            {
                var assembly = typeof(PostgresMembershipTests).Assembly.Location;
                var start = new ProcessStartInfo("dotnet")
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                start.ArgumentList.Add("exec");
                start.ArgumentList.Add(assembly);
                start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
                start.Environment[ArgumentsVariable] = string.Join('\n', cs, siloPort, gatewayPort);
                return new ChildSilo(Process.Start(start)!, siloPort);
            }

            public async Task WaitReadyAsync(TimeSpan timeout)
            {
                var line = await _ready.WaitAsync(timeout);
                Assert.True(line == "ready", $"The child silo did not start (it said '{line}', exit {(_process.HasExited ? _process.ExitCode : null)}).");
            }

            public void Kill()
            {
                _process.Kill(entireProcessTree: true);
                Assert.True(_process.WaitForExit(10_000), "The killed child silo did not exit.");
            }

            public void Dispose()
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
                _process.Dispose();
            }
        }

        /// <summary>
        /// A PostgreSQL server of our own: initdb into a temp folder, pg_ctl start on a free loopback port, and
        /// pg_ctl stop plus folder removal at the end. As root it runs as the "postgres" user (PostgreSQL refuses root).
        /// </summary>
        public sealed class PrivatePostgres : IAsyncLifetime
        {
            private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(60);
            private readonly string _folder = Path.Combine(Path.GetTempPath(), "geneva-pg-" + Guid.NewGuid().ToString("N")[..8]);
            private string _binFolder = "";
            private int _port;
            private int _databases;
            private bool _started;

            private string DataFolder => Path.Combine(_folder, "data");

            public async Task InitializeAsync()
            {
                _binFolder = FindBinFolder() ?? throw new InvalidOperationException(
                    "PostgreSQL is required for these tests and was not found: no initdb and pg_ctl in GENEVA_POSTGRES_BIN, "
                    + "/usr/lib/postgresql/<version>/bin or PATH. Install it (Debian: apt-get install postgresql) or set "
                    + "GENEVA_POSTGRES_BIN to the folder that holds initdb and pg_ctl.");
                Directory.CreateDirectory(_folder);
                // The server's own user must be able to write here when we run as root.
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(_folder, (UnixFileMode)0x1FF);
                }
                _port = FreePort();
                await RunToolAsync("initdb", "-D", DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
                await RunToolAsync("pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
                    "-o", $"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
                _started = true;
            }

            public async Task DisposeAsync()
            {
                if (_started)
                {
                    await RunToolAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop");
                }
                if (Directory.Exists(_folder))
                {
                    Directory.Delete(_folder, recursive: true);
                }
            }

            /// <summary>A new, empty database on the server; its connection string.</summary>
            public async Task<string> CreateDatabaseAsync()
            {
                var name = $"geneva_{Interlocked.Increment(ref _databases)}";
                var admin = ConnectionString("postgres");
                await using (var connection = new NpgsqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await command.ExecuteNonQueryAsync();
                }
                return ConnectionString(name);
            }

            private string ConnectionString(string database) =>
                $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database};Pooling=false;Timeout=15";

            private static string? FindBinFolder()
            {
                static bool HasTools(string? folder) =>
                    !string.IsNullOrEmpty(folder)
                    && File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"));

                var configured = Environment.GetEnvironmentVariable("GENEVA_POSTGRES_BIN");
                if (HasTools(configured))
                {
                    return configured;
                }
                var debian = Directory.Exists("/usr/lib/postgresql")
                    ? Directory.GetDirectories("/usr/lib/postgresql")
                        .Select(v => Path.Combine(v, "bin"))
                        .Where(HasTools)
                        .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var n) ? n : 0)
                        .FirstOrDefault()
                    : null;
                return debian ?? (Environment.GetEnvironmentVariable("PATH") ?? "")
                    .Split(Path.PathSeparator)
                    .FirstOrDefault(HasTools);
            }

            private async Task RunToolAsync(string tool, params string[] arguments)
            {
                var asRoot = Environment.UserName == "root";
                var start = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(_binFolder, tool))
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                if (asRoot)
                {
                    foreach (var a in new[] { "-u", "postgres", "--", Path.Combine(_binFolder, tool) })
                    {
                        start.ArgumentList.Add(a);
                    }
                }
                foreach (var a in arguments)
                {
                    start.ArgumentList.Add(a);
                }
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(s_toolTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw new InvalidOperationException($"{tool} did not finish in {s_toolTimeout.TotalSeconds} s.");
                }
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException(
                        $"{tool} failed (exit {process.ExitCode}): {await error}{await output}");
                }
            }
        }
    }
}

/// <summary>
/// Runs only in a child process that <c>PostgresMembershipTests</c> starts with DOTNET_STARTUP_HOOKS naming this
/// assembly: hosts one silo, says "ready", and lives until killed or until its stdin closes (its parent died).
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var arguments = Environment.GetEnvironmentVariable("GENEVA_TEST_POSTGRES_SILO");
        if (arguments is null)
        {
            return;
        }
        var parts = arguments.Split('\n');
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => Geneva.Cluster.Tests.PostgresMembershipTests.ConfigureSilo(
            silo, parts[0], int.Parse(parts[1]), int.Parse(parts[2])));
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        Environment.Exit(0);
    }
}
