using System.Security.Cryptography;

namespace Netfence.Bench.Datapath;

/// <summary>One side of the comparison: a datapath ELF object and what identifies it.</summary>
internal sealed record BenchObject(string Label, string Path, string Sha256);

/// <summary>
/// The two objects compared. The C# side must be our compiler's output: a missing object is an error naming it,
/// never a silent substitution of the reference (a benchmark of C against C labelled C# would be a lie). Only the
/// explicit developer flag puts the reference on both sides, and that run is marked invalid everywhere.
/// </summary>
internal sealed record ComparedObjects(BenchObject CSharp, BenchObject Reference, bool Valid)
{
    public const string InvalidBanner =
        "NOT A VALID COMPARISON: --dev-reference-on-both-sides runs the clang reference in place of the C# object. " +
        "These numbers exercise the harness only; they are not written to the README.";

    public static ComparedObjects Resolve(BenchOptions options)
    {
        var referencePath = Path.GetFullPath(options.ReferenceObject!);
        if (!File.Exists(referencePath))
            throw new BenchSetupException(
                $"the clang reference object {referencePath} does not exist: `./build.sh bench datapath` compiles it from " +
                "vm-tests/bench/reference/netfence_datapath.c with clang -O2 -target bpf -g");
        var reference = new BenchObject("clang -O2", referencePath, Hash(referencePath));

        if (options.DevReferenceOnBothSides)
            return new ComparedObjects(reference with { Label = "reference as C# (dev)" }, reference, Valid: false);

        var csharpPath = Path.GetFullPath(options.CSharpObject!);
        if (!File.Exists(csharpPath))
            throw new BenchSetupException(
                $"the C#-compiled datapath object {csharpPath} does not exist. It is what programs/Netfence.Programs " +
                "compiles to when its <NetfenceBpfCompile> step is on and our compiler accepts the programs (issue 5); " +
                "until then there is nothing to compare with clang's output. To exercise the harness only, run " +
                "`./build.sh bench datapath --dev-reference-on-both-sides` (not a valid comparison).");
        var csharp = new BenchObject("C#", csharpPath, Hash(csharpPath));
        if (csharp.Sha256 == reference.Sha256)
            throw new BenchSetupException(
                $"the C# object {csharpPath} is byte for byte the clang reference {referencePath}: that is not our compiler's output");
        return new ComparedObjects(csharp, reference, Valid: true);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
}

/// <summary>The benchmark cannot start: a missing input or a machine that cannot run it. One line, no stack trace.</summary>
internal sealed class BenchSetupException(string message) : Exception(message);
