namespace Netfence.Bpf.Sdk;

/// <summary>
/// Compiles a static method of BPF code once, as a global BPF function the programs call, instead of inlining it at
/// every call site. The verifier then checks it once, on its own, with its arguments as it declares them, rather
/// than once per call site and path: the way to keep a decision called inside a loop (one call per cgroup level)
/// within the verifier's budget.
/// </summary>
/// <remarks>
/// The signature is what a global BPF function can have: at most five parameters, each an integer, bool or enum,
/// or an <c>in</c>/<c>ref</c> unmanaged struct (passed as a pointer to the caller's frame or to a map value); the
/// result an integer, bool or enum of at most 4 bytes. In .NET it is an ordinary method.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class GlobalFunctionAttribute : Attribute;
