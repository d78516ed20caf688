namespace Netfence.Daemon.Tests.Store;

/// <summary>
/// A directory removed after the test. On tmpfs (/dev/shm) when available: the store fsyncs every
/// commit, which on a shared disk would make the 10,000-attachment test slow for no insight.
/// </summary>
sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, "netfence-test-" + Guid.NewGuid().ToString("N"));
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
