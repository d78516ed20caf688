using System.Text;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Targets;

/// <summary>
/// Network interface names as the kernel accepts them (dev_valid_name): 1 to 15 bytes (IFNAMSIZ 16
/// with the NUL), not "." or "..", no '/', ':' or whitespace. Only printable ASCII is allowed here,
/// because a name that cannot be typed or logged unambiguously is a mistake in practice.
/// </summary>
public static class InterfaceName
{
    /// <summary>The kernel's IFNAMSIZ, including the terminating NUL.</summary>
    public const int IfNameSize = 16;

    /// <summary>Returns <paramref name="name"/> if it is a valid interface name.</summary>
    /// <exception cref="PolicyValidationException">It is not; the message says why.</exception>
    public static string Validate(string name, string field = "interface_name")
    {
        if (string.IsNullOrEmpty(name)) throw new PolicyValidationException(field, "the interface name is empty");
        if (Encoding.UTF8.GetByteCount(name) >= IfNameSize)
            throw new PolicyValidationException(field, $"'{name}' is longer than {IfNameSize - 1} bytes (IFNAMSIZ)");
        if (name is "." or "..") throw new PolicyValidationException(field, $"'{name}' is not a valid interface name");
        foreach (var c in name)
        {
            if (c is '/' or ':' || c <= ' ' || c > '~')
                throw new PolicyValidationException(field, $"'{Printable(name)}' contains '{Printable(c.ToString())}'; interface names are printable ASCII without '/', ':' or whitespace");
        }
        return name;
    }

    static string Printable(string text) => string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
