namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// The ids as constants, so code and tests name a diagnostic by meaning. Ids are never reused or renumbered:
    /// suppressions and documentation refer to them.
    /// </summary>
    internal static class DiagnosticIds
    {
        public const string ReferenceTypeAllocation = "NF0001";
        public const string ArrayAllocation = "NF0002";
        public const string StringUse = "NF0003";
        public const string Boxing = "NF0004";
        public const string LambdaOrDelegate = "NF0005";
        public const string Linq = "NF0006";
        public const string VirtualCall = "NF0007";
        public const string Throw = "NF0008";
        public const string ExceptionHandling = "NF0009";
        public const string CheckedArithmetic = "NF0010";
        public const string FloatingPoint = "NF0011";
        public const string Recursion = "NF0012";
        public const string UnboundedLoop = "NF0013";
        public const string CallOutsideSdk = "NF0014";
        public const string CallToNonBpfUserCode = "NF0015";
        public const string StackFrameTooLarge = "NF0016";
        public const string DivisionByUnprovenDivisor = "NF0017";
        public const string UncheckedMapLookup = "NF0018";
        public const string ContextWriteWidth = "NF0019";
        public const string MutableStaticField = "NF0020";
        public const string UnsafeCode = "NF0021";
        public const string ForeachOverNonSpan = "NF0022";
        public const string Lock = "NF0023";
        public const string AsyncAwait = "NF0024";
        public const string Yield = "NF0025";
        public const string Dynamic = "NF0026";
        public const string ReferenceTypeVariable = "NF0027";
        public const string GenericOverManagedType = "NF0028";
        public const string MapFieldDeclaration = "NF0029";
        public const string ProgramSignature = "NF0030";
        public const string UnsupportedConstruct = "NF0031";
        public const string ManagedOnlySdkMember = "NF0032";
        public const string ContextIndex = "NF0033";
        public const string ConfigFieldInitializer = "NF0034";
        public const string SignedDivisionOverflow = "NF0035";
        public const string UncheckedMapValueReference = "NF0036";
        public const string HelperNotAvailable = "NF0037";
        public const string UnoptimisedAssembly = "NF0038";
    }
}
