using System.Reflection;

namespace Netfence.Bpf.Sdk;

/// <summary>Reads the <see cref="HookInfoAttribute"/> of a hook.</summary>
public static class HookInfo
{
    /// <summary>Returns the kernel facts of <paramref name="hook"/>.</summary>
    public static HookInfoAttribute Of(Hook hook)
    {
        var field = typeof(Hook).GetField(hook.ToString(), BindingFlags.Public | BindingFlags.Static)
                    ?? throw new ArgumentOutOfRangeException(nameof(hook), hook, "not a defined hook");
        return field.GetCustomAttribute<HookInfoAttribute>()!;
    }
}
