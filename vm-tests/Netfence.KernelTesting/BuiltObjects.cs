namespace Netfence.KernelTesting;

/// <summary>
/// The filter objects the build wrote to <c>artifacts/bpf</c> (every project importing the SDK's targets puts its
/// <c>.o</c> there). Test projects that use this reference the compiler samples, so the directory is never empty
/// when they run; an empty or missing directory is a failure, not a reason to check nothing.
/// </summary>
public static class BuiltObjects
{
    /// <summary>The object the compiler's own samples compile to; every build produces it.</summary>
    public const string SamplesObject = "Netfence.Bpf.Compiler.Samples.o";

    /// <summary>The repository's <c>artifacts/bpf</c> directory.</summary>
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "build.sh"))) continue;
                var candidate = Path.Combine(dir.FullName, "artifacts", "bpf");
                return System.IO.Directory.Exists(candidate) ? candidate
                    : throw new DirectoryNotFoundException($"{candidate} does not exist: build the solution first (dotnet build Netfence.sln or ./build.sh)");
            }
            throw new DirectoryNotFoundException($"cannot find the repository (build.sh) above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Every <c>*.o</c> in <see cref="Directory"/>, sorted.</summary>
    public static IReadOnlyList<string> All() => System.IO.Directory.GetFiles(Directory, "*.o").Order(StringComparer.Ordinal).ToList();
}
