using System.Diagnostics;

namespace Netfence.Bpf.Analyzers.Tests;

// Proves the wiring, not just the analyzer: a programs project that imports the SDK's targets fails to build on an
// NF diagnostic, with no other setup.
public sealed class BuildIntegrationTests
{
    [Fact]
    public async Task A_project_importing_the_sdk_targets_fails_the_build_on_an_nf_diagnostic()
    {
        var root = CatalogueTests.RepositoryRoot();
        var targets = Path.Combine(root, "compiler", "Netfence.Bpf.Sdk", "build", "Netfence.Bpf.Sdk.targets");
        var dir = Directory.CreateTempSubdirectory("netfence-analyzer-build-");
        try
        {
            // Outside the repository so its Directory.Build.props do not apply: this is what a stranger's project sees.
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Programs.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Filter.cs"), """
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

            var (exitCode, output) = await Run("dotnet", $"build \"{dir.FullName}\" -nologo -v:q -p:UseSharedCompilation=false", dir.FullName);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("error NF0008", output);
            Assert.Contains("error NF0001", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_debug_build_of_a_project_importing_the_sdk_targets_writes_the_object()
    {
        // `dotnet build` builds Debug unless told otherwise: what a filter author types first must give the object.
        var root = CatalogueTests.RepositoryRoot();
        var targets = Path.Combine(root, "compiler", "Netfence.Bpf.Sdk", "build", "Netfence.Bpf.Sdk.targets");
        var dir = Directory.CreateTempSubdirectory("netfence-analyzer-build-");
        try
        {
            var output = Path.Combine(dir.FullName, "out");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Programs.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                    <NetfenceBpfOutputDir>{output}/</NetfenceBpfOutputDir>
                  </PropertyGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            // A counted loop: Debug IL keeps its comparison in a temporary, which hid the counter before the targets
            // asked for optimised IL in every configuration.
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Filter.cs"), """
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

            var (exitCode, log) = await Run("dotnet", $"build \"{dir.FullName}\" -c Debug -nologo -v:q -p:UseSharedCompilation=false", dir.FullName);

            Assert.True(exitCode == 0, log);
            Assert.True(File.Exists(Path.Combine(output, "Programs.o")), log);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
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
