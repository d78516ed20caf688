using System.Collections.Generic;
using System.Linq;

namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// The kernels Netfence supports and the program types' names, for diagnostics about what a kernel offers (the
    /// SDK's [Helper] attribute says which program types offer a helper on every kernel from <see cref="OldestKernel"/>).
    /// </summary>
    internal static class KernelSupport
    {
        /// <summary>The oldest kernel the programs must load on: Debian's 6.1 LTS (vm-tests/qemu runs the suites there).</summary>
        public const string OldestKernel = "6.1";

        /// <summary>The kernel's name of a program type (bpf_prog_type), or its number when Netfence has no name for it.</summary>
        public static string ProgramTypeName(int programType)
        {
            switch (programType)
            {
                case 3: return "sched_cls";
                case 8: return "cgroup_skb";
                case 18: return "cgroup_sock_addr";
                default: return "program type " + programType;
            }
        }

        /// <summary>"sched_cls or cgroup_skb": the program types that offer a helper, for a message.</summary>
        public static string ProgramTypeNames(IEnumerable<int> programTypes)
        {
            var names = programTypes.Select(ProgramTypeName).ToList();
            return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];
        }
    }
}
