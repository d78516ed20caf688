using System.Text;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Btf;

/// <summary>
/// Loads BTF into the kernel (BPF_BTF_LOAD). Like program loads, the first attempt is silent;
/// a failure is repeated with a log buffer that grows until the kernel's whole log fits.
/// </summary>
public static class BtfLoader
{
    const uint InitialLogSize = 64 * 1024;
    const uint MaxLogSize = uint.MaxValue >> 8;

    /// <summary>Loads <paramref name="btf"/> (.BTF bytes) and returns the BTF object's fd.</summary>
    public static BpfFd Load(byte[] btf)
    {
        ArgumentNullException.ThrowIfNull(btf);
        if (btf.Length == 0) throw new ArgumentException("cannot load empty BTF", nameof(btf));
        var fd = TryLoad(btf, 0, out var errno, out _, out _);
        if (fd is not null) return fd;
        if (errno is Errno.EPERM or Errno.ENOSYS)
            throw new BpfException(BpfCommand.BtfLoad.Name(), errno, BpfException.HintFor(BpfCommand.BtfLoad, errno));

        uint size = InitialLogSize;
        while (true)
        {
            fd = TryLoad(btf, size, out errno, out var log, out var trueSize);
            if (fd is not null) return fd;
            if (errno == Errno.ENOSPC && size < MaxLogSize)
            {
                size = trueSize > size ? trueSize : Math.Min(size * 4, MaxLogSize);
                continue;
            }
            throw new BtfLoadException(errno, log);
        }
    }

    static unsafe BpfFd? TryLoad(byte[] btf, uint logSize, out Errno errno, out string log, out uint trueSize)
    {
        var logBuf = new byte[logSize];
        fixed (byte* pBtf = btf, pLog = logBuf)
        {
            var attr = new BtfLoadAttr
            {
                Btf = (ulong)pBtf,
                BtfSize = (uint)btf.Length,
                BtfLogBuf = logSize > 0 ? (ulong)pLog : 0,
                BtfLogSize = logSize,
                BtfLogLevel = logSize > 0 ? 1u : 0,
            };
            var result = BpfSyscall.Try(BpfCommand.BtfLoad, ref attr, out errno);
            trueSize = attr.BtfLogTrueSize;
            int end = Array.IndexOf(logBuf, (byte)0);
            log = Encoding.UTF8.GetString(logBuf, 0, end < 0 ? logBuf.Length : end);
            return result >= 0 ? new BpfFd((int)result) : null;
        }
    }
}
