using Netfence.Sandbox;
namespace Netfence.KernelTesting;

/// <summary>
/// Compiles the C reference programs in <c>vm-tests/reference</c> with Debian's clang at test
/// time, so tests read objects exactly as the toolchain writes them.
/// </summary>
public static class ReferenceObjects
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, string> Compiled = [];
    static string? outputDirectory;

    // One scratch directory per test process, removed when the process exits, so runs leave no objects in /tmp.
    static string OutputDirectory
    {
        get
        {
            if (outputDirectory is null)
            {
                var created = Directory.CreateTempSubdirectory("nft-reference-").FullName;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    try { Directory.Delete(created, recursive: true); }
                    catch (IOException) { } // a file still open at exit stays; nothing else depends on it
                };
                outputDirectory = created;
            }
            return outputDirectory;
        }
    }

    /// <summary>The directory holding the reference C sources.</summary>
    public static string SourceDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "vm-tests", "reference");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException($"cannot find vm-tests/reference above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>
    /// Compiles <paramref name="source"/> (e.g. <c>counter.c</c>) once per test run and returns the object's path;
    /// <paramref name="extraFlags"/> go to clang after the defaults (e.g. <c>-mcpu=v3</c>).
    /// </summary>
    public static string Compile(string source, params string[] extraFlags)
    {
        lock (Gate)
        {
            var key = string.Join(' ', [source, .. extraFlags]);
            if (Compiled.TryGetValue(key, out var existing)) return existing;
            var input = Path.Combine(SourceDirectory, source);
            var variant = extraFlags.Length == 0 ? "" : "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), 0, 4).ToLowerInvariant();
            var output = Path.Combine(OutputDirectory, $"{Path.GetFileNameWithoutExtension(source)}{variant}.o");
            Command.Result result;
            try
            {
                result = Command.Try("clang", ["-O2", "-g", "-target", "bpf", .. extraFlags, "-c", input, "-o", output]);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("clang is not installed, so the reference eBPF objects cannot be compiled: run ./build.sh test as root once (it installs clang), or apt-get install clang", e);
            }
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"clang failed to compile {input}:\n{result.StdErr}");
            Compiled[key] = output;
            return output;
        }
    }
}
