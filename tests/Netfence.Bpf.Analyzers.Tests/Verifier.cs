using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Analyzers.Tests;

// Runs the analyzer over test sources whose expected diagnostics are marked {|NFxxxx:span|}.
internal static class Verifier
{
    private static readonly Lazy<MetadataReference[]> s_references = new(LoadReferences);

    /// <summary>Checks a [BpfCode] class with <paramref name="members"/> plus any <paramref name="outside"/> types.</summary>
    public static Task Members(string members, string outside = "") => Source($$"""
        using System;
        using Netfence.Bpf.Sdk;

        [BpfCode]
        public static class P
        {
        {{members}}
        }
        {{outside}}
        """);

    public static async Task Source(string source)
    {
        var test = new CSharpAnalyzerTest<NetfenceBpfAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            // No reference package: the framework's reference assemblies come from the installed targeting pack, so
            // the tests never download anything.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(s_references.Value);
        await test.RunAsync();
    }

    private static MetadataReference[] LoadReferences()
    {
        // The running runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var refDirectory = Directory.GetDirectories(packs)
            .Select(d => Path.Combine(d, "ref", "net10.0"))
            .Where(Directory.Exists)
            .OrderByDescending(d => Version.Parse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(d))!)))
            .FirstOrDefault() ?? throw new InvalidOperationException($"no net10.0 reference pack under {packs}");

        return Directory.GetFiles(refDirectory, "*.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(ProgramAttribute).Assembly.Location))
            .ToArray();
    }
}
