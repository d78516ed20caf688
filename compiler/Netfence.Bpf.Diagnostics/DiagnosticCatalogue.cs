using System.Collections.Generic;
using static Netfence.Bpf.Diagnostics.DiagnosticStage;

namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// Every NF diagnostic, in id order. The analyzer and the IL walker both compile this file, so a construct
    /// gets the same id, text and advice in the editor and at build time.
    /// </summary>
    internal static class DiagnosticCatalogue
    {
        public static readonly DiagnosticEntry ReferenceTypeAllocation = new DiagnosticEntry(
            DiagnosticIds.ReferenceTypeAllocation, "Reference type allocated in BPF code",
            "BPF code cannot allocate '{0}': the kernel has no garbage-collected heap",
            DiagnosticCategory.Allocation,
            "Use an unmanaged struct local instead of a class; keep state that must outlive one run in a map.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ArrayAllocation = new DiagnosticEntry(
            DiagnosticIds.ArrayAllocation, "Array allocated in BPF code",
            "BPF code cannot create the array '{0}': the kernel has no heap",
            DiagnosticCategory.Allocation,
            "Use a struct with fixed fields, or an ArrayMap/PerCpuArrayMap for indexed storage.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry StringUse = new DiagnosticEntry(
            DiagnosticIds.StringUse, "String used in BPF code",
            "BPF code cannot use strings ({0}): strings are heap objects",
            DiagnosticCategory.Allocation,
            "Compare and store numbers or fixed-size byte structs; report text from user space, not from the program.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Boxing = new DiagnosticEntry(
            DiagnosticIds.Boxing, "Value boxed in BPF code",
            "BPF code cannot box '{0}' to '{1}': boxing allocates on the heap",
            DiagnosticCategory.Allocation,
            "Keep the value in its struct type; pass it 'in' or by value instead of as object or an interface.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry LambdaOrDelegate = new DiagnosticEntry(
            DiagnosticIds.LambdaOrDelegate, "Lambda, closure or delegate in BPF code",
            "BPF code cannot create a delegate ({0}): delegates and closures are heap objects called indirectly",
            DiagnosticCategory.Allocation,
            "Write a static method in a [BpfCode] type and call it directly.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Linq = new DiagnosticEntry(
            DiagnosticIds.Linq, "LINQ in BPF code",
            "BPF code cannot use LINQ ('{0}'): it allocates enumerators and delegates",
            DiagnosticCategory.Allocation,
            "Write a for loop with a constant bound over the data.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry VirtualCall = new DiagnosticEntry(
            DiagnosticIds.VirtualCall, "Virtual or interface call in BPF code",
            "BPF code cannot make the virtual or interface call '{0}': the target is chosen at run time",
            DiagnosticCategory.Calls,
            "Call a static method or a non-virtual method of a struct; choose behaviour with an if or switch.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Throw = new DiagnosticEntry(
            DiagnosticIds.Throw, "Exception thrown in BPF code",
            "BPF code cannot throw: the kernel has no exceptions",
            DiagnosticCategory.ControlFlow,
            "Return a verdict (for example TcAction.Shot) or an error code instead of throwing.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ExceptionHandling = new DiagnosticEntry(
            DiagnosticIds.ExceptionHandling, "Exception handling in BPF code",
            "BPF code cannot use '{0}': the kernel has no exception handling",
            DiagnosticCategory.ControlFlow,
            "Check results with if statements and return early; release nothing, BPF code owns no resources.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry CheckedArithmetic = new DiagnosticEntry(
            DiagnosticIds.CheckedArithmetic, "Checked arithmetic in BPF code",
            "BPF code cannot use checked arithmetic ('{0}'): an overflow would have to throw",
            DiagnosticCategory.Arithmetic,
            "Use unchecked arithmetic (the kernel wraps) and compare against a limit explicitly where overflow matters.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry FloatingPoint = new DiagnosticEntry(
            DiagnosticIds.FloatingPoint, "Floating point in BPF code",
            "BPF code cannot use floating point ('{0}'): eBPF has integer instructions only",
            DiagnosticCategory.Arithmetic,
            "Use integers in fixed point (for example per-mille or nanoseconds) instead of float, double or decimal.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Recursion = new DiagnosticEntry(
            DiagnosticIds.Recursion, "Recursion in BPF code",
            "'{0}' is recursive ({1}): the verifier rejects call cycles",
            DiagnosticCategory.Calls,
            "Rewrite the recursion as a loop with a constant bound.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry UnboundedLoop = new DiagnosticEntry(
            DiagnosticIds.UnboundedLoop, "Loop without a provable bound",
            "This loop is not provably bounded ({0}): the verifier rejects programs that may not terminate",
            DiagnosticCategory.ControlFlow,
            "Bound the loop by a counter: an int local compared with a constant or a static readonly configuration field in the loop condition (or in an if (...) break; of the body), changed only by one constant step towards the bound per iteration, e.g. for (int i = 0; i < MaxHeaders; i++). Do not assign the counter in the body, loop with goto, or leave a while (true) only on data.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry CallOutsideSdk = new DiagnosticEntry(
            DiagnosticIds.CallOutsideSdk, "Call outside the SDK",
            "BPF code cannot call '{0}': only SDK members and BPF code can run in the kernel",
            DiagnosticCategory.Calls,
            "Use the Netfence.Bpf.Sdk equivalent (Net.Ntohs, Bpf.KtimeGetNs, map methods) or write the logic in a [BpfCode] type.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry CallToNonBpfUserCode = new DiagnosticEntry(
            DiagnosticIds.CallToNonBpfUserCode, "Call to user code that is not BPF code",
            "BPF code cannot call '{0}': its type '{1}' is not BPF code",
            DiagnosticCategory.Calls,
            "Mark the type [BpfCode] so the method is checked and compiled too, or move the method into a BPF code type.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry StackFrameTooLarge = new DiagnosticEntry(
            DiagnosticIds.StackFrameTooLarge, "Stack frame over 512 bytes",
            "'{0}' needs {1} bytes of stack: the kernel allows 512",
            DiagnosticCategory.Memory,
            "Use fewer or smaller struct locals, or keep large scratch data in a PerCpuArrayMap value.",
            IlWalkerOnly);

        public static readonly DiagnosticEntry DivisionByUnprovenDivisor = new DiagnosticEntry(
            DiagnosticIds.DivisionByUnprovenDivisor, "Division by a value that may be zero",
            "The divisor '{0}' is not provably non-zero: .NET would throw where the kernel returns 0",
            DiagnosticCategory.Arithmetic,
            "Divide by a non-zero constant, or guard the division with if (d != 0) on a local or parameter that is not reassigned.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry UncheckedMapLookup = new DiagnosticEntry(
            DiagnosticIds.UncheckedMapLookup, "Map lookup result not checked",
            "The result of '{0}' is discarded: the value is only meaningful when the key was found",
            DiagnosticCategory.Maps,
            "Test the result: if (map.TryLookup(key, out var value)) { ... }.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ContextWriteWidth = new DiagnosticEntry(
            DiagnosticIds.ContextWriteWidth, "Context write of the wrong width",
            "'{0}' stores {1} bytes into a context field written with 4-byte stores only",
            DiagnosticCategory.Context,
            "Assign the context property a uint; do not write the context through pointers or Unsafe.",
            IlWalkerOnly);

        public static readonly DiagnosticEntry MutableStaticField = new DiagnosticEntry(
            DiagnosticIds.MutableStaticField, "Mutable static field in BPF code",
            "'{0}' is a mutable static field: BPF programs have no writable globals shared between runs",
            DiagnosticCategory.Memory,
            "Make it static readonly (load-time configuration) or keep the state in a map, e.g. an ArrayMap with one entry.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry UnsafeCode = new DiagnosticEntry(
            DiagnosticIds.UnsafeCode, "Pointers or unsafe code in BPF code",
            "BPF code cannot use '{0}': raw pointers escape the verifier's bounds tracking",
            DiagnosticCategory.Memory,
            "Read packets with SkBuff.TryRead<T>, the context through its properties, and use struct locals instead of stackalloc.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ForeachOverNonSpan = new DiagnosticEntry(
            DiagnosticIds.ForeachOverNonSpan, "foreach over a collection that is not a span",
            "BPF code cannot enumerate '{0}': only Span<T> and ReadOnlySpan<T> compile to a plain bounded loop",
            DiagnosticCategory.ControlFlow,
            "Use a for loop with a constant bound, or foreach over a span.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Lock = new DiagnosticEntry(
            DiagnosticIds.Lock, "lock in BPF code",
            "BPF code cannot use lock: monitors are .NET runtime objects",
            DiagnosticCategory.ControlFlow,
            "Use a per-CPU map (PerCpuArrayMap) so each CPU updates its own slot without locking.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry AsyncAwait = new DiagnosticEntry(
            DiagnosticIds.AsyncAwait, "async or await in BPF code",
            "BPF code cannot be asynchronous ('{0}'): a program runs to completion in one call",
            DiagnosticCategory.ControlFlow,
            "Make the method synchronous; a BPF program never waits.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Yield = new DiagnosticEntry(
            DiagnosticIds.Yield, "Iterator in BPF code",
            "BPF code cannot use '{0}': iterators are heap-allocated state machines",
            DiagnosticCategory.ControlFlow,
            "Return a single value, or write results into a map or ring buffer.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry Dynamic = new DiagnosticEntry(
            DiagnosticIds.Dynamic, "dynamic in BPF code",
            "BPF code cannot use dynamic ('{0}'): it is bound at run time by the .NET runtime",
            DiagnosticCategory.Calls,
            "Use the static type.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ReferenceTypeVariable = new DiagnosticEntry(
            DiagnosticIds.ReferenceTypeVariable, "Reference-type variable in BPF code",
            "'{0}' has the reference type '{1}': BPF code holds only unmanaged values",
            DiagnosticCategory.Memory,
            "Use an unmanaged struct or a primitive; reach maps through static readonly map fields.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry GenericOverManagedType = new DiagnosticEntry(
            DiagnosticIds.GenericOverManagedType, "Generic method over a type that may not be unmanaged",
            "Type parameter '{0}' of '{1}' is not constrained to unmanaged: BPF code is specialised per value layout",
            DiagnosticCategory.Calls,
            "Add 'where {0} : unmanaged' or write the method for a concrete struct.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry MapFieldDeclaration = new DiagnosticEntry(
            DiagnosticIds.MapFieldDeclaration, "Map field not declared as a constant map definition",
            "Map field '{0}' {1}: the compiler reads a map's definition from its field initializer",
            DiagnosticCategory.Maps,
            "Declare maps as 'static readonly' fields initialised in place with constants, e.g. static readonly HashMap<FlowKey, ulong> Flows = new(maxEntries: 1024);",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ProgramSignature = new DiagnosticEntry(
            DiagnosticIds.ProgramSignature, "Program method with a wrong signature",
            "[Program] method '{0}' must be declared 'public static int {0}({1} ctx)': {2}",
            DiagnosticCategory.Programs,
            "Declare the program as public static int M(Context ctx), with the context type the hook expects (SkBuff or SockAddr), passed by value.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry UnsupportedConstruct = new DiagnosticEntry(
            DiagnosticIds.UnsupportedConstruct, "Construct the kernel cannot run",
            "The kernel cannot run this construct: {0}",
            DiagnosticCategory.Unsupported,
            "Express the logic with integer arithmetic, struct locals, SDK calls, maps and bounded loops.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ManagedOnlySdkMember = new DiagnosticEntry(
            DiagnosticIds.ManagedOnlySdkMember, "Managed-only SDK member used in BPF code",
            "'{0}' exists for tests and user space only: the kernel has no equivalent",
            DiagnosticCategory.Calls,
            "Call it from tests or the user-space side; inside BPF code use the map and helper members that carry kernel metadata.",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ContextIndex = new DiagnosticEntry(
            DiagnosticIds.ContextIndex, "Context array index not a constant in range",
            "The index of '{0}' must be a constant from 0 to {1}: the verifier accepts only fixed context offsets",
            DiagnosticCategory.Context,
            "Pass a literal index, e.g. ctx.RemoteIp6(0) ... ctx.RemoteIp6(3).",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry ConfigFieldInitializer = new DiagnosticEntry(
            DiagnosticIds.ConfigFieldInitializer, "Configuration field without a constant initial value",
            "Configuration field '{0}' must be initialised with a constant: its initial value becomes the .rodata image",
            DiagnosticCategory.Memory,
            "Initialise static readonly configuration with a literal or const (e.g. static readonly ushort Port = 443;) and patch it at load time.",
            AnalyzerAndIlWalker);

        // Apart from NF0017 because the divisor is proven non-zero here: the advice differs, and "may be zero" would be false.
        public static readonly DiagnosticEntry SignedDivisionOverflow = new DiagnosticEntry(
            DiagnosticIds.SignedDivisionOverflow, "Signed division that may overflow",
            "The divisor '{0}' may be -1 while the dividend is MinValue: .NET throws OverflowException where the kernel wraps around",
            DiagnosticCategory.Arithmetic,
            "Guard the divisor with if (d > 0) or if (d != 0 && d != -1) on a local or parameter that is not reassigned, divide by a constant other than -1, or divide a value of a narrower type (sbyte, byte, short, ushort; int or uint for a long division).",
            AnalyzerAndIlWalker);

        public static readonly DiagnosticEntry UncheckedMapValueReference = new DiagnosticEntry(
            DiagnosticIds.UncheckedMapValueReference, "Map value reference used before its null test",
            "The reference returned by '{0}' is used before BpfMap.IsMissing tested it: it is null when the key is absent",
            DiagnosticCategory.Maps,
            "Keep it in a ref local and test it first: ref readonly var v = ref map.Lookup(key); if (BpfMap.IsMissing(in v)) return ...;",
            AnalyzerAndIlWalker);

        // The kernel decides per program type which helpers a program may call ("unknown func bpf_x#N" otherwise), and
        // newer kernels offer more helpers to more types: what counts is the oldest kernel Netfence supports.
        public static readonly DiagnosticEntry HelperNotAvailable = new DiagnosticEntry(
            DiagnosticIds.HelperNotAvailable, "Helper not available to the program type",
            "Helper '{0}' (bpf helper #{1}) is not available to {2} programs ('{3}') on Linux " + KernelSupport.OldestKernel + ", the oldest kernel Netfence supports: it is available to {4} programs",
            DiagnosticCategory.Calls,
            "Call the helper only from programs of a type that offers it (the SDK's [Helper] lists them), or do without it in this program.",
            AnalyzerAndIlWalker);

        // Debug IL keeps every comparison in a temporary local and returns through one shared exit, shapes made for the
        // managed debugger (which never runs a BPF program): its loops no longer show a counter test, and its objects
        // would differ by configuration. The object is compiled from optimised IL only, and says so at once rather
        // than as NF0013 on loops that are bounded.
        public static readonly DiagnosticEntry UnoptimisedAssembly = new DiagnosticEntry(
            DiagnosticIds.UnoptimisedAssembly, "Assembly built without optimisation",
            "'{0}' was built without optimisation (a Debug build's IL): BPF programs are compiled from optimised IL",
            DiagnosticCategory.Programs,
            "Build the programs project with <Optimize>true</Optimize>; the SDK's Netfence.Bpf.Sdk.targets sets it for every configuration, so import it rather than referencing the SDK project alone.",
            IlWalkerOnly);

        /// <summary>Every entry in id order.</summary>
        public static IReadOnlyList<DiagnosticEntry> All { get; } = new[]
        {
            ReferenceTypeAllocation, ArrayAllocation, StringUse, Boxing, LambdaOrDelegate, Linq, VirtualCall, Throw,
            ExceptionHandling, CheckedArithmetic, FloatingPoint, Recursion, UnboundedLoop, CallOutsideSdk,
            CallToNonBpfUserCode, StackFrameTooLarge, DivisionByUnprovenDivisor, UncheckedMapLookup, ContextWriteWidth,
            MutableStaticField, UnsafeCode, ForeachOverNonSpan, Lock, AsyncAwait, Yield, Dynamic, ReferenceTypeVariable,
            GenericOverManagedType, MapFieldDeclaration, ProgramSignature, UnsupportedConstruct, ManagedOnlySdkMember,
            ContextIndex, ConfigFieldInitializer, SignedDivisionOverflow, UncheckedMapValueReference, HelperNotAvailable,
            UnoptimisedAssembly,
        };
    }
}
