namespace Netfence.Bpf.Sdk;

/// <summary>
/// Marks the SDK member that tests a map value reference for null. The compiler lowers it to a comparison of the
/// value pointer with zero, which is the test the verifier needs to see on that pointer before any access to it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class NullReferenceTestAttribute : Attribute;
