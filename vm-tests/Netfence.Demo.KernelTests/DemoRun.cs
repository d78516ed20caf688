using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Netfence.Bpf.Links;
using Netfence.Bpf.Pinning;
using Netfence.Sandbox;

namespace Netfence.Demo.KernelTests;

/// <summary>
/// netfence-demo as a process (<c>dotnet exec netfence-demo.dll</c> from the test's output, where netfenced.dll sits
/// beside it), its output collected line by line.
/// </summary>
sealed partial class DemoRun : IDisposable
{
    /// <summary>The demo must finish within this (issue 9).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    readonly Process _process;
    readonly StringBuilder _output = new();

    public DemoRun()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "netfence-demo.dll") }) start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("netfence-demo did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits for the demo to exit within <see cref="Limit"/> of its start; returns its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        var left = Limit - (DateTime.Now - _process.StartTime);
        if (left < TimeSpan.Zero) left = TimeSpan.Zero;
        try
        {
            await _process.WaitForExitAsync().WaitAsync(left);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"netfence-demo did not finish within {Limit.TotalMinutes:0} minutes; its output:\n{Output}");
        }
        _process.WaitForExit(); // the output readers finish
        return _process.ExitCode;
    }

    /// <summary>Every nft-prefixed name the demo printed: the namespaces, devices, cgroups and pin directories it made.</summary>
    public IReadOnlyList<string> NamesOfKernelObjects() =>
        [.. NftName().Matches(Output).Select(m => m.Value).Distinct()];

    /// <summary>Asserts that no namespace, device, cgroup or bpffs entry of those names is left.</summary>
    public void AssertNothingLeftBehind()
    {
        var names = NamesOfKernelObjects();
        Assert.NotEmpty(names);
        var cgroupMount = CgroupV2.FindMount();
        var bpffs = BpfFs.Find();
        foreach (var name in names)
        {
            Assert.False(SandboxNamespace.Exists(name), $"network namespace {name} was left behind");
            Assert.False(Directory.Exists(Path.Combine(cgroupMount, name)), $"cgroup {name} was left behind");
            if (bpffs is not null) Assert.False(Directory.Exists(Path.Combine(bpffs, name)), $"pin directory {name} was left behind");
            foreach (var suffix in new[] { "h", "i", "w" })
                Assert.NotEqual(0, Command.Try("ip", "link", "show", "dev", name + suffix).ExitCode);
            Assert.False(Directory.Exists(Path.Combine("/etc/netns", name)), $"/etc/netns/{name} was left behind");
        }
    }

    [GeneratedRegex(@"\bnft[0-9a-f]{6}\b")]
    private static partial Regex NftName();

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
