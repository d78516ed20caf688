namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>A configuration value as the little-endian bytes of its .rodata variable.</summary>
public static class ConfigurationBytes
{
    /// <summary>The bytes of a boxed primitive or enum.</summary>
    public static byte[] Of(object value) => value switch
    {
        bool b => [b ? (byte)1 : (byte)0],
        byte b => [b],
        sbyte b => [(byte)b],
        short v => BitConverter.GetBytes(v),
        ushort v => BitConverter.GetBytes(v),
        int v => BitConverter.GetBytes(v),
        uint v => BitConverter.GetBytes(v),
        long v => BitConverter.GetBytes(v),
        ulong v => BitConverter.GetBytes(v),
        Enum e => Of(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"{value.GetType().Name} is not a configuration type", nameof(value)),
    };
}
