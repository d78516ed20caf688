namespace Netfence.KernelTesting;

/// <summary>A private bpffs mounted on a fresh directory, for pin tests; unmounted and removed on dispose.</summary>
public sealed class BpfFsMount : IDisposable
{
    public BpfFsMount()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), UniqueName.Next());
        Directory.CreateDirectory(Path);
        try
        {
            Command.Run("mount", "-t", "bpf", "bpf", Path);
        }
        catch
        {
            Directory.Delete(Path);
            throw;
        }
    }

    public string Path { get; }

    /// <summary>A path for a pin inside this mount.</summary>
    public string PinPath(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Command.Run("umount", Path);
        Directory.Delete(Path);
    }
}
