using static Netfence.Bpf.Analyzers.Tests.Verifier;

namespace Netfence.Bpf.Analyzers.Tests;

// One rejected construct and its accepted alternative per NF id. Test names start with the id: the catalogue
// test uses that to prove every analyzer entry is exercised.
public sealed class RuleTests
{
    private const string Struct = "public struct S { public int A; }";
    private const string Pair = "public struct P2 { public int A; public int B; }";

    [Fact] public Task NF0001_rejects_class_allocation() =>
        Members("static int F() { _ = {|NF0001:new C()|}; return 0; }", "public class C { }");

    [Fact] public Task NF0001_accepts_struct_locals() =>
        Members("static int F() { S s = new S(); s.A = 1; return s.A; }", Struct);

    [Fact] public Task NF0002_rejects_arrays() =>
        Members("static int F() { _ = {|NF0002:new int[4]|}; return 0; }");

    [Fact] public Task NF0002_accepts_struct_with_fields() =>
        Members("static int F() { S s = default; s.A = 4; return s.A; }", Struct);

    [Fact] public Task NF0003_rejects_strings() =>
        Members("static int F() { _ = {|NF0003:\"drop\"|}; return 0; }");

    [Fact] public Task NF0003_accepts_numeric_constants() =>
        Members("const int Drop = 2; static int F() => Drop;");

    [Fact] public Task NF0004_rejects_boxing() =>
        Members("static int F(int x) { _ = {|NF0004:(object)x|}; return 0; }");

    [Fact] public Task NF0004_accepts_value_copies() =>
        Members("static int F(int x) { int y = x; return y; }");

    [Fact] public Task NF0005_rejects_lambdas() =>
        Members("static int F() { _ = (Func<int>)({|NF0005:() => 1|}); return 0; }");

    [Fact] public Task NF0005_accepts_direct_static_calls() =>
        Members("static int One() => 1; static int F() => One();");

    [Fact] public Task NF0006_rejects_linq() =>
        Members("static int F(int[] {|NF0027:xs|}) => {|NF0006:System.Linq.Enumerable.Count(xs)|};");

    [Fact] public Task NF0006_accepts_bounded_loops() =>
        Members("static int F(int x) { int s = 0; for (int i = 0; i < 8; i++) s += x; return s; }");

    [Fact] public Task NF0007_rejects_interface_calls() =>
        Members("static int F<T>(T x) where T : unmanaged, IComparable<T> => {|NF0007:x.CompareTo(x)|};");

    [Fact] public Task NF0007_accepts_sdk_static_calls() =>
        Members("static int F(ushort x) => Net.Ntohs(x);");

    [Fact] public Task NF0008_rejects_throw() =>
        Members("static int F(int x) { if (x < 0) {|NF0008:throw {|NF0001:new InvalidOperationException()|};|} return x; }");

    [Fact] public Task NF0008_accepts_returning_a_verdict() =>
        Members("static int F(int x) => x < 0 ? TcAction.Shot : TcAction.Ok;");

    [Fact] public Task NF0009_rejects_try_finally() =>
        Members("static int F(int x) { {|NF0009:try { return x; } finally { }|} }");

    [Fact] public Task NF0009_accepts_early_return() =>
        Members("static int F(int x) { if (x == 0) return 1; return x; }");

    [Fact] public Task NF0010_rejects_checked_arithmetic() =>
        Members("static int F(int x) => checked({|NF0010:x + 1|});");

    [Fact] public Task NF0010_accepts_unchecked_arithmetic() =>
        Members("static int F(int x) => unchecked(x + 1);");

    [Fact] public Task NF0011_rejects_floating_point() =>
        Members("static int F(int x) { double d = {|NF0011:x * 1.5|}; return 0; }");

    [Fact] public Task NF0011_accepts_fixed_point() =>
        Members("static int F(int x) => x * 3 / 2;");

    [Fact] public Task NF0012_rejects_direct_recursion() =>
        Members("static int F(int x) => x == 0 ? 0 : {|NF0012:F(x - 1)|};");

    [Fact] public Task NF0012_rejects_mutual_recursion() =>
        Members("static int A(int x) => x == 0 ? 0 : {|NF0012:B(x - 1)|}; static int B(int x) => {|NF0012:A(x)|};");

    [Fact] public Task NF0012_accepts_calls_without_cycles() =>
        Members("static int A(int x) => B(x) + C(x); static int B(int x) => C(x); static int C(int x) => x;");

    [Fact] public Task NF0013_rejects_infinite_loop_without_break() =>
        Members("static int F() { int i = 0; {|NF0013:while|} (true) { i++; } }");

    [Fact] public Task NF0013_rejects_loop_bounded_by_a_parameter() =>
        Members("static int F(int n) { int s = 0; {|NF0013:for|} (int i = 0; i < n; i++) s += i; return s; }");

    [Fact] public Task NF0013_rejects_a_counter_assigned_in_the_body() =>
        Members("static int F(int n) { int s = 0; {|NF0013:for|} (int i = 0; i < 8; i++) { s += i; i = s & 3; } return s; }");

    [Fact] public Task NF0013_rejects_while_true_with_a_data_dependent_break() =>
        Members("static int F(int x) { {|NF0013:while|} (true) { if (x == 1) break; x = (x & 1) == 0 ? x >> 1 : 3 * x + 1; } return x; }");

    [Fact] public Task NF0013_rejects_a_step_away_from_the_bound() =>
        Members("static int F() { int s = 0; {|NF0013:for|} (int i = 0; i < 8; i--) s++; return s; }");

    [Fact] public Task NF0013_rejects_a_conditional_or_skippable_step() =>
        Members("""
            static int F(int x)
            {
                int i = 0;
                {|NF0013:while|} (i < 8) { if (x > 0) i++; }
                {|NF0013:while|} (i < 16) { if (x > i) continue; i++; }
                return i;
            }
            """);

    [Fact] public Task NF0013_rejects_goto_loops() =>
        Members("static int F(int x) { top: x = x * 3 + 1; if (x != 7) {|NF0013:goto top;|} return x; }");

    [Fact] public Task NF0013_accepts_constant_config_and_break_bounds() =>
        Members("""
            static readonly int MaxHeaders = 4;
            static int F(int n)
            {
                int s = 0;
                for (int i = 0; i < 16; i++) s += i;
                for (int i = 0; i < MaxHeaders && i < n; i++) s += i;
                for (uint i = 40; i > 0; i -= 4) s++;
                while (true) { if (s > 100) break; s += 7; }
                int k = 0;
                do { s ^= k; k += 2; } while (s != 3 && k < MaxHeaders * 2);
                for (int i = 0; i < 8; i++) { if ((s & i) == 0) continue; s++; }
                return s;
            }
            """);

    [Fact] public Task NF0014_rejects_library_calls() =>
        Members("static int F(int a, int b) => {|NF0014:Math.Max(a, b)|};");

    [Fact] public Task NF0014_accepts_plain_expressions() =>
        Members("static int F(int a, int b) => a > b ? a : b;");

    [Fact] public Task NF0015_rejects_calls_to_non_bpf_user_code() =>
        Members("static int F(int x) => {|NF0015:Helpers.Twice(x)|};", "public static class Helpers { public static int Twice(int x) => x * 2; }");

    [Fact] public Task NF0015_accepts_calls_to_bpf_code_types() =>
        Members("static int F(int x) => Helpers.Twice(x);", "[BpfCode] public static class Helpers { public static int Twice(int x) => x * 2; }");

    [Fact] public Task NF0017_rejects_unguarded_divisor() =>
        Members("static int F(int a, int b) => a / {|NF0017:b|};");

    [Fact] public Task NF0017_rejects_guarded_but_reassigned_divisor() =>
        Members("static int F(int a, int b) { if (b != 0) { b = b - 1; return a % {|NF0017:b|}; } return 0; }");

    [Fact] public Task NF0017_accepts_constant_and_guarded_divisors() =>
        Members("""
            static int F(int a, int b, uint c)
            {
                int q = a / 4;
                if (b > 0) q += a / b;
                if (c != 0 && a > 0) q += (int)((uint)a % c);
                return b > 0 ? q / b : q;
            }
            """);

    [Fact] public Task NF0017_accepts_every_form_of_guard_the_compiler_proves() => Members(DivisionForms.Guards);

    [Fact] public Task NF0017_rejects_a_guard_on_a_value_converted_explicitly() =>
        Members("static int F(int a, int b) { if (b != 0) return a / {|NF0017:(byte)b|}; return 0; }");

    [Fact] public Task NF0017_rejects_an_early_test_that_does_not_exit() =>
        Members("static uint F(uint a, uint b) { uint q = 0; if (b == 0) { q = 1; } return q + a / {|NF0017:b|}; }");

    [Fact] public Task NF0035_rejects_signed_division_guarded_only_against_zero() =>
        Members("static int F(int a, int b) { if (b != 0) return a / {|NF0035:b|}; return 0; }");

    [Fact] public Task NF0035_rejects_minus_one_constants_and_full_width_dividends() =>
        Members("""
            static long F(int a, int b, long m, long n)
            {
                long q = a / {|NF0035:-1|} + m % {|NF0035:-1L|};
                if (n != 0) q += m / {|NF0035:n|};
                if (b != 0) a /= {|NF0035:b|};
                if (b != 0) q += (int)(uint)a / {|NF0035:b|};
                return q + a;
            }
            """);

    [Fact] public Task NF0035_accepts_divisors_that_are_not_minus_one_and_dividends_that_are_not_min_value() =>
        Members(DivisionForms.NoOverflow);

    [Fact] public Task NF0018_rejects_discarded_lookup() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { {|NF0018:M.TryLookup(k, out _)|}; return 0; }");

    [Fact] public Task NF0018_accepts_checked_lookup() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { if (M.TryLookup(k, out var v)) return (int)v; return 0; }");

    [Fact] public Task NF0018_rejects_a_discarded_reference_lookup() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { {|NF0018:M.Lookup(k)|}; return 0; }");

    [Fact] public Task NF0036_accepts_a_reference_tested_before_its_first_use() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { ref readonly ulong v = ref M.Lookup(k); if (BpfMap.IsMissing(in v)) return 0; return (int)v; }");

    [Fact] public Task NF0036_rejects_a_reference_read_before_its_test() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { ref readonly ulong v = ref M.Lookup(k); int x = (int){|NF0036:v|}; if (BpfMap.IsMissing(in v)) return 0; return x; }");

    [Fact] public Task NF0036_rejects_a_reference_lookup_copied_without_a_test() =>
        Members("static readonly HashMap<uint, ulong> M = new(16); static int F(uint k) { ulong v = {|NF0036:M.Lookup(k)|}; return (int)v; }");

    [Fact] public Task NF0020_rejects_mutable_static_fields() =>
        Members("static int {|NF0020:Counter|}; static int F() => Counter;");

    [Fact] public Task NF0020_accepts_readonly_configuration() =>
        Members("static readonly int Counter = 0; static int F() => Counter;");

    [Fact] public Task NF0021_rejects_stackalloc() =>
        Members("static int F() { Span<int> s = {|NF0021:stackalloc int[4]|}; return s[0]; }");

    [Fact] public Task NF0021_accepts_struct_scratch_space() =>
        Members("static int F() { S s = default; return s.A; }", Struct);

    [Fact] public Task NF0022_rejects_foreach_over_collections() =>
        Members("static int F(System.Collections.Generic.List<int> {|NF0027:xs|}) { int s = 0; foreach (var x in {|NF0022:xs|}) s += x; return s; }");

    [Fact] public Task NF0022_accepts_foreach_over_spans() =>
        Members("static int F(ReadOnlySpan<byte> bytes) { int s = 0; foreach (var b in bytes) s += b; return s; }");

    [Fact] public Task NF0023_rejects_lock() =>
        Members("static int F(object {|NF0027:o|}) { {|NF0023:lock (o) { }|} return 0; }");

    [Fact] public Task NF0023_accepts_per_cpu_counters() =>
        Members("static readonly PerCpuArrayMap<ulong> Counters = new(4); static int F() { Counters.Increment(0); return 0; }");

    [Fact] public Task NF0024_rejects_async_methods() =>
        Members("static async System.Threading.Tasks.Task {|NF0024:F|}() { }");

    [Fact] public Task NF0024_accepts_synchronous_methods() =>
        Members("static int F() => 1;");

    [Fact] public Task NF0025_rejects_iterators() =>
        Members("static System.Collections.Generic.IEnumerable<int> F() { {|NF0025:yield return 1;|} }");

    [Fact] public Task NF0025_accepts_single_results() =>
        Members("static int F() { return 1; }");

    [Fact] public Task NF0026_rejects_dynamic() =>
        Members("static int F(dynamic {|NF0027:d|}) => {|NF0026:d + 1|};");

    [Fact] public Task NF0026_accepts_static_types() =>
        Members("static int F(int d) => d + 1;");

    [Fact] public Task NF0027_rejects_reference_type_locals() =>
        Members("static int F() { object {|NF0027:o|} = null; return 0; }");

    [Fact] public Task NF0027_accepts_value_type_locals() =>
        Members("static int F() { int i = 0; return i; }");

    [Fact] public Task NF0028_rejects_generic_methods_over_any_type() =>
        Members("static int F<{|NF0028:T|}>(T x) => 0;");

    [Fact] public Task NF0028_accepts_unmanaged_generic_methods() =>
        Members("static int F<T>(T x) where T : unmanaged => 0;");

    [Fact] public Task NF0029_rejects_mutable_map_field() =>
        Members("static HashMap<uint, ulong> {|NF0029:M|} = new(16);");

    [Fact] public Task NF0029_rejects_non_constant_map_arguments() =>
        Members("static uint Size() => 16; static readonly HashMap<uint, ulong> M = {|NF0029:new(Size())|};");

    [Fact] public Task NF0029_accepts_constant_map_definitions() =>
        Members("static readonly LruHashMap<uint, ulong> M = new(maxEntries: 1024, pinning: MapPinning.ByName);");

    [Fact] public Task NF0030_rejects_wrong_context_for_hook() =>
        Members("[Program(Hook.TcIngress)] public static int {|NF0030:F|}(SockAddr ctx) => 0;");

    [Fact] public Task NF0030_rejects_non_int_return() =>
        Members("[Program(Hook.CgroupConnect4)] public static uint {|NF0030:F|}(SockAddr ctx) => 1;");

    [Fact] public Task NF0030_accepts_matching_signature() =>
        Members("[Program(Hook.TcxEgress)] public static int F(SkBuff ctx) => Tcx.Next; [Program(Hook.CgroupConnect6)] public static int G(SockAddr ctx) => SockAddrVerdict.Allow;");

    [Fact] public Task NF0031_rejects_typeof() =>
        Members("static int F() { _ = {|NF0031:typeof(int)|}; return 0; }");

    [Fact] public Task NF0031_rejects_conditional_refs() =>
        Members("static int F(ref P2 p, bool c) { ref int r = ref ({|NF0031:c ? ref p.A : ref p.B|}); return r; }", Pair);

    [Fact] public Task NF0031_rejects_ref_returns_whose_target_depends_on_the_path() =>
        Members("static ref int Pick(ref P2 p, bool c) { if (c) return ref p.A; {|NF0031:return ref p.B;|} }", Pair);

    [Fact] public Task NF0031_rejects_reassigned_ref_locals() =>
        Members("static int F(ref P2 p, bool c) { ref int r = ref p.A; if (c) {|NF0031:r = ref p.B|}; return r; }", Pair);

    [Fact] public Task NF0031_accepts_refs_with_one_target_and_a_value_chosen_by_if() =>
        Members("static ref int First(ref P2 p) => ref First2(ref p); static ref int First2(ref P2 p) => ref p.A; static int F(ref P2 p, bool c) { ref int r = ref First(ref p); if (c) r = 1; else p.B = 1; return c ? p.A : p.B; }", Pair);

    [Fact] public Task NF0031_accepts_sizeof() =>
        Members("static int F() => sizeof(int);");

    [Fact] public Task NF0032_rejects_managed_only_members() =>
        Members("static int F(SkBuff ctx) => {|NF0032:ctx.ContextImage|}.Length;");

    [Fact] public Task NF0032_accepts_context_fields() =>
        Members("static int F(SkBuff ctx) => (int)ctx.Len;");

    [Fact] public Task NF0033_rejects_variable_context_index() =>
        Members("static uint F(SkBuff ctx, int i) => {|NF0033:ctx.RemoteIp6(i)|};");

    [Fact] public Task NF0033_rejects_out_of_range_context_index() =>
        Members("static uint F(SockAddr ctx) => {|NF0033:ctx.UserIp6(4)|};");

    [Fact] public Task NF0033_accepts_constant_context_index() =>
        Members("static uint F(SkBuff ctx) => ctx.RemoteIp6(3);");

    [Fact] public Task NF0034_rejects_computed_configuration() =>
        Members("static uint Compute() => 443; static readonly uint Port = {|NF0034:Compute()|};");

    [Fact] public Task NF0034_accepts_constant_configuration() =>
        Members("const uint DefaultPort = 443; static readonly uint Port = DefaultPort; static int F() => (int)Port;");

    [Fact] public Task NF0037_rejects_a_current_task_helper_in_a_tc_program() =>
        Members("[Program(Hook.TcIngress)] public static int F(SkBuff ctx) => (int){|NF0037:Bpf.GetCurrentPidTgid()|};");

    [Fact] public Task NF0037_rejects_a_helper_a_cgroup_skb_program_reaches_through_a_method_it_calls() =>
        Members("static ulong Id() => {|NF0037:Bpf.GetCurrentCgroupId()|}; [Program(Hook.CgroupSkbEgress)] public static int F(SkBuff ctx) => (int)Id();");

    [Fact] public Task NF0037_rejects_a_helper_shared_by_a_connect_program_and_a_tc_program_once_for_the_tc_program() =>
        Members("static ulong Pid() => {|NF0037:Bpf.GetCurrentPidTgid()|}; [Program(Hook.CgroupConnect4)] public static int F(SockAddr ctx) => (int)Pid(); [Program(Hook.TcxIngress)] public static int G(SkBuff ctx) => (int)Pid();");

    [Fact] public Task NF0037_accepts_current_task_helpers_in_a_connect_program() =>
        Members("[Program(Hook.CgroupConnect4)] public static int F(SockAddr ctx) => Bpf.GetCurrentPidTgid() != Bpf.GetCurrentCgroupId() ? 1 : 0;");

    [Fact] public Task NF0037_accepts_base_helpers_and_skb_helpers_in_tc_and_cgroup_skb_programs() =>
        Members("[Program(Hook.TcIngress)] public static int F(SkBuff ctx) => (int)(Bpf.KtimeGetNs() + Bpf.SkbAncestorCgroupId(ctx, 1)); [Program(Hook.CgroupSkbEgress)] public static int G(SkBuff ctx) => (int)Bpf.SkbAncestorCgroupId(ctx, 0);");

    [Fact] public Task Accepts_a_realistic_filter() => Source("""
        using Netfence.Bpf.Sdk;

        public struct FlowKey { public uint Source; public uint Destination; public ushort Port; public ushort Padding; }

        public static class Filter
        {
            static readonly ushort BlockedPort = 443;
            static readonly HashMap<FlowKey, ulong> Flows = new(maxEntries: 1024);
            static readonly PerCpuArrayMap<ulong> Stats = new(2);

            [Program(Hook.TcxEgress)]
            public static int Egress(SkBuff ctx)
            {
                if (!ctx.TryRead(0, out EthernetHeader eth) || Net.Ntohs(eth.EtherType) != EtherType.Ipv4)
                    return Tcx.Next;
                if (!ctx.TryRead(EthernetHeader.Size, out Ipv4Header ip) || ip.Protocol != IpProtocol.Tcp)
                    return Tcx.Next;
                int headerLength = (ip.VersionIhl & 0x0F) * 4;
                if (!ctx.TryRead(EthernetHeader.Size + headerLength, out TcpHeader tcp))
                    return Tcx.Next;

                var key = new FlowKey { Source = ip.Source, Destination = ip.Destination, Port = Net.Ntohs(tcp.DestinationPort) };
                ulong seen = Flows.TryLookup(key, out var count) ? count : 0;
                Flows.Update(key, seen + 1);
                if (key.Port == BlockedPort)
                {
                    Stats.Increment(1);
                    return Tcx.Drop;
                }

                Stats.Increment(0);
                return Tcx.Next;
            }
        }
        """);
}
