using System.Diagnostics;

namespace Netfence.Bpf.Analyzers.Tests;

// Proves the wiring, not just the analyzer: a programs project that imports the SDK's targets, with no other setup,
// fails to build on an NF diagnostic and otherwise writes its object, in the configuration `dotnet build` picks.
public sealed class BuildIntegrationTests
{
    [Fact]
    public async Task A_project_importing_the_sdk_targets_fails_the_build_on_an_nf_diagnostic()
    {
        using var project = await StrangerProject.CreateAsync("""
            using Netfence.Bpf.Sdk;

            public static class Filter
            {
                [Program(Hook.TcxIngress)]
                public static int Ingress(SkBuff ctx)
                {
                    if (ctx.Len == 0)
                        throw new System.InvalidOperationException();
                    return Tcx.Next;
                }
            }
            """);

        var (exitCode, output) = await project.BuildAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error NF0008", output);
        Assert.Contains("error NF0001", output);
    }

    [Fact]
    public async Task A_debug_build_of_a_project_importing_the_sdk_targets_writes_the_object()
    {
        // A counted loop: Debug IL keeps its comparison in a temporary, which hid the counter before the targets asked
        // for optimised IL in every configuration. `dotnet build` builds Debug unless told otherwise.
        using var project = await StrangerProject.CreateAsync("""
            using Netfence.Bpf.Sdk;

            public static class Filter
            {
                [Program(Hook.TcxIngress)]
                public static int Ingress(SkBuff ctx)
                {
                    for (int i = 0; i < 8; i++)
                    {
                        if (ctx.Len == (uint)i) return Tcx.Drop;
                    }
                    return Tcx.Next;
                }
            }
            """);

        var (exitCode, log) = await project.BuildAsync("-c Debug");

        Assert.True(exitCode == 0, log);
        Assert.True(File.Exists(Path.Combine(project.Output, "Programs.o")), log);
    }

    /// <summary>
    /// A programs project outside the repository, so its Directory.Build.props do not apply: what a stranger's project
    /// sees. Its object goes to <see cref="Output"/>.
    /// </summary>
    sealed class StrangerProject : IDisposable
    {
        readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("netfence-analyzer-build-");

        public string Output => Path.Combine(_dir.FullName, "out");

        public static async Task<StrangerProject> CreateAsync(string filter)
        {
            var project = new StrangerProject();
            var targets = Path.Combine(CatalogueTests.RepositoryRoot(), "compiler", "Netfence.Bpf.Sdk", "build", "Netfence.Bpf.Sdk.targets");
            await File.WriteAllTextAsync(Path.Combine(project._dir.FullName, "Programs.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                    <NetfenceBpfOutputDir>{project.Output}/</NetfenceBpfOutputDir>
                  </PropertyGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project._dir.FullName, "Filter.cs"), filter);
            return project;
        }

        public Task<(int ExitCode, string Output)> BuildAsync(string options = "") =>
            Run("dotnet", $"build \"{_dir.FullName}\" {options} -nologo -v:q -p:UseSharedCompilation=false", _dir.FullName);

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private static async Task<(int ExitCode, string Output)> Run(string file, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
