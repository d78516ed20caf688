using System.Text;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Programs;

/// <summary>A program loaded into the kernel, owned through its file descriptor.</summary>
public sealed class BpfProgram : IDisposable
{
    /// <summary>The largest log buffer the kernel accepts (UINT_MAX &gt;&gt; 2).</summary>
    public const uint MaxLogSize = uint.MaxValue >> 2;

    /// <summary>The first log buffer tried after a failed silent load.</summary>
    public const uint InitialLogSize = 64 * 1024;

    BpfProgram(BpfFd fd, string name, ProgramType type, AttachType? expectedAttachType, string? log)
    {
        Fd = fd;
        Name = name;
        Type = type;
        ExpectedAttachType = expectedAttachType;
        VerifierLog = log;
    }

    public BpfFd Fd { get; }
    public string Name { get; }
    public ProgramType Type { get; }
    public AttachType? ExpectedAttachType { get; }

    /// <summary>The verifier's log of a successful load, when one was asked for.</summary>
    public string? VerifierLog { get; }

    /// <summary>Wraps an fd obtained elsewhere (a pin, an id), taking ownership.</summary>
    public static BpfProgram FromFd(BpfFd fd, string name, ProgramType type, AttachType? expectedAttachType = null)
        => new(fd, name, type, expectedAttachType, null);

    /// <summary>
    /// Loads a program. The first attempt has no log (the fast path). On failure the load is
    /// repeated with a log buffer that grows until the whole log fits, and a
    /// <see cref="VerifierException"/> carries the complete log.
    /// </summary>
    /// <param name="spec">The program.</param>
    /// <param name="logLevel">Ask for a log even on success (e.g. <see cref="VerifierLogLevel.Statistics"/>).</param>
    public static BpfProgram Load(ProgramSpec spec, VerifierLogLevel logLevel = VerifierLogLevel.None)
    {
        foreach (var insn in spec.Instructions)
        {
            if (insn.Reference is not null && insn.OpCode == OpCodes.LdImm64 && insn.Constant == 0)
                throw new ArgumentException($"program '{spec.Name}' still references '{insn.Reference}': resolve map references to fds before loading");
        }
        var code = InstructionStream.Encode(spec.Instructions);
        Memlock.MemlockLimit.EnsureSufficient();

        if (logLevel == VerifierLogLevel.None)
        {
            var fd = TryLoad(spec, code, VerifierLogLevel.None, 0, out var errno, out _, out _);
            if (fd is not null) return new BpfProgram(fd, spec.Name, spec.Type, spec.ExpectedAttachType, null);
            if (errno == Errno.EPERM)
                throw new BpfException($"BPF_PROG_LOAD '{spec.Name}'", errno, BpfException.HintFor(BpfCommand.ProgLoad, errno));
        }

        // Either the caller wants a log or the silent load failed: load with a log, growing
        // the buffer until the kernel says the whole log fit.
        var level = logLevel == VerifierLogLevel.None ? VerifierLogLevel.Branch : logLevel;
        uint size = InitialLogSize;
        while (true)
        {
            var fd = TryLoad(spec, code, level, size, out var errno, out var log, out var trueSize);
            if (fd is not null) return new BpfProgram(fd, spec.Name, spec.Type, spec.ExpectedAttachType, log);
            // ENOSPC means the log was cut; since 6.4 log_true_size says how much it needs.
            if (errno == Errno.ENOSPC && size < MaxLogSize)
            {
                size = trueSize > size ? trueSize : (uint)Math.Min((ulong)size * 4, MaxLogSize);
                continue;
            }
            throw new VerifierException(spec.Name, errno, log);
        }
    }

    static unsafe BpfFd? TryLoad(ProgramSpec spec, byte[] code, VerifierLogLevel level, uint logSize,
        out Errno errno, out string log, out uint logTrueSize)
    {
        var license = Encoding.ASCII.GetBytes(spec.License + "\0");
        var logBuf = logSize > 0 ? GC.AllocateUninitializedArray<byte>((int)logSize) : [];
        if (logSize > 0) logBuf[0] = 0;
        var funcInfo = spec.Btf?.FuncInfo ?? [];
        var lineInfo = spec.Btf?.LineInfo ?? [];
        fixed (byte* pCode = code, pLicense = license, pLog = logBuf, pFunc = funcInfo, pLine = lineInfo)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = (uint)spec.Type,
                InsnCnt = (uint)(code.Length / 8),
                Insns = (ulong)pCode,
                License = (ulong)pLicense,
                LogLevel = logSize > 0 ? (uint)level : 0,
                LogSize = logSize,
                LogBuf = logSize > 0 ? (ulong)pLog : 0,
                ExpectedAttachType = spec.ExpectedAttachType is { } t ? (uint)t : 0,
            };
            WriteName(attr.ProgName, spec.Name);
            if (spec.Btf is { } btf)
            {
                attr.ProgBtfFd = (uint)btf.BtfFd.Value;
                if (funcInfo.Length > 0)
                {
                    attr.FuncInfoRecSize = ProgramBtf.FuncInfoRecordSize;
                    attr.FuncInfo = (ulong)pFunc;
                    attr.FuncInfoCnt = (uint)(funcInfo.Length / ProgramBtf.FuncInfoRecordSize);
                }
                if (lineInfo.Length > 0)
                {
                    attr.LineInfoRecSize = ProgramBtf.LineInfoRecordSize;
                    attr.LineInfo = (ulong)pLine;
                    attr.LineInfoCnt = (uint)(lineInfo.Length / ProgramBtf.LineInfoRecordSize);
                }
            }
            long result = BpfSyscall.Try(BpfCommand.ProgLoad, ref attr, out errno);
            logTrueSize = attr.LogTrueSize;
            log = logSize > 0 ? ReadCString(logBuf) : "";
            if (spec.Btf?.SourceLines is { Count: > 0 } sourceLines) log = VerifierLogSourceLines.Annotate(log, sourceLines);
            return result >= 0 ? new BpfFd((int)result) : null;
        }
    }

    /// <summary>Copies a name into a kernel 16-byte name field: at most 15 bytes, only the characters the kernel accepts.</summary>
    internal static unsafe void WriteName(byte* field, string name)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (n == 15) break;
            // The kernel accepts [A-Za-z0-9_.] in object names and rejects the rest with EINVAL.
            if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.') field[n++] = (byte)c;
        }
        for (; n < 16; n++) field[n] = 0;
    }

    static string ReadCString(byte[] buffer)
    {
        int end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    /// <inheritdoc />
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"program '{Name}' ({Type}, {Fd})";
}
