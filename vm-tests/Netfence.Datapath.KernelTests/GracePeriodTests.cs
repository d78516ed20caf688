using Netfence.Bpf.Asm;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Datapath.KernelTests;

/// <summary>
/// When the writer clears a rule set that was in use: only after a grace period (pitfall 9: a program that read the
/// attachment entry just before a flip must still find the old set whole), and never losing a retired set on
/// Remove, on a failed wait or across a restart. Independent of the program build: no program is loaded.
/// </summary>
public sealed class GracePeriodTests
{
    private static readonly AttachmentTarget Target = AttachmentTarget.Interface(7);

    private static RuleSet Version(int v, int hosts = 300) => DatapathFixture.Rules(PolicyMode.Allowlist,
        ["10.1.0.0/16", .. Enumerable.Range(0, hosts).Select(i => $"172.{16 + v}.{i / 256}.{i % 256}/32")], ["10.1.9.0/24"]);

    /// <summary>Rule-set id → number of IPv4 entries, as the kernel holds them now.</summary>
    private static Dictionary<uint, int> Sets(SharedMaps maps) =>
        maps.Rules4.Keys().GroupBy(k => k.RuleSet).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Records what the maps hold at each wait; fails the waits it is told to.</summary>
    private sealed class ObservedGracePeriod(SharedMaps maps) : IGracePeriod
    {
        public List<(uint? Entry, Dictionary<uint, int> Sets)> Waits { get; } = [];
        public int FailuresLeft { get; set; }

        public void Wait()
        {
            Waits.Add((maps.Attachments.TryLookup(Target.Key, out var e) ? e.RuleSet : null, Sets(maps)));
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("grace period failed (test)");
            }
        }
    }

    [KernelFact]
    public void A_swapped_out_set_stays_whole_through_the_grace_period_and_is_gone_after_it()
    {
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        var grace = new ObservedGracePeriod(maps);
        var writer = new RuleSetWriter(maps, gracePeriod: grace);

        writer.Apply(Target, Version(0), new AttachmentSettings());
        Assert.Empty(grace.Waits);                                  // nothing was in use before
        uint first = maps.Attachments.Lookup(Target.Key).RuleSet;

        writer.Apply(Target, Version(1, hosts: 100), new AttachmentSettings());
        var (entry, during) = Assert.Single(grace.Waits);
        uint second = maps.Attachments.Lookup(Target.Key).RuleSet;
        Assert.NotEqual(first, second);
        Assert.Equal(second, entry);                                // flipped before the wait...
        Assert.Equal(302, during[first]);                           // ...with the old set still whole
        Assert.Equal(102, during[second]);
        Assert.Equal(new Dictionary<uint, int> { [second] = 102 }, Sets(maps));
        Assert.Equal(0, writer.RetiredSets);

        // Back to the first id: it was reclaimed, so it is rewritten from empty (no key of version 0 survives).
        writer.Apply(Target, Version(2, hosts: 50), new AttachmentSettings());
        Assert.Equal(new Dictionary<uint, int> { [first] = 52 }, Sets(maps));
        Assert.Equal(2, grace.Waits.Count);
    }

    [KernelFact]
    public void Remove_clears_both_sets_after_one_grace_period_and_many_removals_share_one()
    {
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        var grace = new ObservedGracePeriod(maps);
        var writer = new RuleSetWriter(maps, gracePeriod: grace);
        writer.Apply(Target, Version(0), new AttachmentSettings());
        uint set = maps.Attachments.Lookup(Target.Key).RuleSet;

        writer.Remove(Target);
        var (entry, during) = Assert.Single(grace.Waits);
        Assert.Null(entry);                                         // the entry went first...
        Assert.Equal(302, during[set]);                             // ...the rules only after the wait
        Assert.Empty(Sets(maps));

        var others = Enumerable.Range(100, 5).Select(AttachmentTarget.Interface).ToList();
        for (int i = 0; i < others.Count; i++) writer.Apply(others[i], Version(i, hosts: 20), new AttachmentSettings());
        grace.Waits.Clear();
        Assert.Equal(others.Count, writer.RemoveAllExcept(new HashSet<AttachmentTarget>()).Count);
        Assert.Single(grace.Waits);
        Assert.Empty(Sets(maps));
        Assert.Empty(maps.Attachments.Keys());
    }

    [KernelFact]
    public void A_failed_wait_keeps_the_old_set_retired_and_the_next_swap_into_it_clears_it_first()
    {
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        var grace = new ObservedGracePeriod(maps);
        var writer = new RuleSetWriter(maps, gracePeriod: grace);
        writer.Apply(Target, Version(0), new AttachmentSettings());
        uint first = maps.Attachments.Lookup(Target.Key).RuleSet;

        grace.FailuresLeft = 1;
        Assert.Throws<IOException>(() => writer.Apply(Target, Version(1, hosts: 10), new AttachmentSettings()));
        uint second = maps.Attachments.Lookup(Target.Key).RuleSet;
        Assert.NotEqual(first, second);                             // the new rules enforce
        Assert.Equal(1, writer.RetiredSets);                        // the old set is not forgotten...
        Assert.Equal(302, Sets(maps)[first]);                       // ...nor cleared without its grace period

        // The same attachment swaps again, into the retired id: it is cleared (after a wait) before it is written.
        writer.Apply(Target, Version(2, hosts: 5), new AttachmentSettings());
        Assert.Equal(new Dictionary<uint, int> { [first] = 7 }, Sets(maps));
        Assert.Equal(0, writer.RetiredSets);
    }

    [KernelFact]
    public void A_restart_clears_every_set_a_dead_process_left_retired_and_keeps_the_active_ones()
    {
        using var pins = new PinScratch();
        var gone = AttachmentTarget.Interface(8);
        uint active;
        using (var maps = SharedMaps.OpenOrCreate(pins.Path))
        {
            var grace = new ObservedGracePeriod(maps);
            var writer = new RuleSetWriter(maps, gracePeriod: grace);
            writer.Apply(Target, Version(0), new AttachmentSettings());
            writer.Apply(gone, Version(1, hosts: 40), new AttachmentSettings());
            grace.FailuresLeft = 2;
            // The process "dies" with a swap and a removal whose grace periods never ended.
            Assert.Throws<IOException>(() => writer.Apply(Target, Version(2, hosts: 30), new AttachmentSettings()));
            Assert.Throws<IOException>(() => writer.Remove(gone));
            Assert.Equal(2, writer.RetiredSets);                    // Target's old set and gone's set
            Assert.Equal(3, Sets(maps).Count);
            active = maps.Attachments.Lookup(Target.Key).RuleSet;
        }

        using var reopened = SharedMaps.OpenOrCreate(pins.Path);
        var restarted = new RuleSetWriter(reopened);
        var rewritten = restarted.Adopt([new AdoptedPolicy(Target, Version(2, hosts: 30), [], new AttachmentSettings())]);
        Assert.Empty(rewritten);                                    // what enforces was right: untouched
        Assert.Equal(new Dictionary<uint, int> { [active] = 32 }, Sets(reopened));
        Assert.Equal(0, restarted.RetiredSets);
        // Single-entry changes work on the adopted attachment, and its next swap starts from a clean id.
        restarted.Apply(Target, Version(3, hosts: 3), new AttachmentSettings());
        Assert.Equal(5, Sets(reopened).Single().Value);
    }

    /// <summary>
    /// A reader that stays in its program run for a long time between reading the attachment entry and looking the
    /// trie up (what a run on a vCPU the hypervisor descheduled looks like): it reads the entry, spins for a few
    /// thousand helper calls, then looks 10.1.2.3 up in the rule set the entry named. Returns 1 when the lookup hits,
    /// 0 when it misses, plus 10 when the entry changed during the run (the run straddled a flip); 100 without an entry.
    /// </summary>
    private static BpfProgram SlowReader(SharedMaps maps, AttachmentTarget target, int spins)
    {
        var key = target.Key;
        return BpfProgram.Load(new ProgramSpec
        {
            Name = "nft_slow_reader",
            Type = ProgramType.SchedCls,
            Instructions =
            [
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -16, (int)key.Kind),
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -12, 0),
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -8, unchecked((int)key.Id)),
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -4, (int)(key.Id >> 32)),
                Instruction.Mov64(Register.R2, Register.R10),
                Instruction.Alu64(OpCodes.Add, Register.R2, -16),
                Instruction.LoadMapFd(Register.R1, maps.Attachments.Raw.Fd.Value),
                Instruction.Call(1),                                                   // map_lookup_elem
                Instruction.Jump(OpCodes.Jne, Register.R0, 0, 2),
                Instruction.Mov64(Register.R0, 100),
                Instruction.Exit(),
                Instruction.LoadMem(OpCodes.SizeW, Register.R6, Register.R0, 4),      // entry->rule_set
                Instruction.Mov64(Register.R7, spins),
                Instruction.Call(5),                                                   // ktime_get_ns, to take time
                Instruction.Alu64(OpCodes.Sub, Register.R7, 1),
                Instruction.Jump(OpCodes.Jne, Register.R7, 0, -3),
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -32, 64),           // /32 host in the set
                Instruction.StoreMem(OpCodes.SizeW, Register.R10, Register.R6, -28),
                Instruction.StoreImm(OpCodes.SizeW, Register.R10, -24, 0x0302010a),   // 10.1.2.3, network order
                Instruction.Mov64(Register.R2, Register.R10),
                Instruction.Alu64(OpCodes.Add, Register.R2, -32),
                Instruction.LoadMapFd(Register.R1, maps.Rules4.Raw.Fd.Value),
                Instruction.Call(1),
                Instruction.Mov64(Register.R8, 0),                                     // r8 = hit ? 1 : 0
                Instruction.Jump(OpCodes.Jeq, Register.R0, 0, 1),
                Instruction.Mov64(Register.R8, 1),
                Instruction.Mov64(Register.R2, Register.R10),                          // the entry again: +10 when it
                Instruction.Alu64(OpCodes.Add, Register.R2, -16),                      // changed during the run
                Instruction.LoadMapFd(Register.R1, maps.Attachments.Raw.Fd.Value),
                Instruction.Call(1),
                Instruction.Jump(OpCodes.Jeq, Register.R0, 0, 2),
                Instruction.LoadMem(OpCodes.SizeW, Register.R1, Register.R0, 4),
                Instruction.Jump(OpCodes.Jeq, Register.R1, Register.R6, 1),
                Instruction.Alu64(OpCodes.Add, Register.R8, 10),
                Instruction.Mov64(Register.R0, Register.R8),
                Instruction.Exit(),
            ],
        });
    }

    /// <summary>
    /// The race itself, made wide: runs that read the entry before a flip keep looking up for a long while after it.
    /// Every version allows 10.1.0.0/16; swaps go back to back (each into the id the previous one retired) while the
    /// slow reader runs on the other CPU. Clearing or rewriting a set before its readers are done shows as a miss:
    /// with the old set cleared right after the flip (no grace period) 8 of 693 runs missed here.
    /// </summary>
    [KernelFact]
    public void A_run_that_read_the_entry_before_a_flip_still_finds_its_rules_however_long_it_takes()
    {
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        var writer = new RuleSetWriter(maps);
        writer.Apply(Target, Version(0), new AttachmentSettings());
        using var reader = SlowReader(maps, Target, spins: 4000);
        Assert.Equal(1u, ProgramTestRun.Run(reader, new byte[64]).ReturnValue);

        using var stop = new CancellationTokenSource();
        int runs = 0, misses = 0, straddled = 0, noEntry = 0;
        var stream = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                uint verdict = ProgramTestRun.Run(reader, new byte[64]).ReturnValue;
                if (verdict is 0 or 10) Interlocked.Increment(ref misses);
                if (verdict is 10 or 11) Interlocked.Increment(ref straddled);
                if (verdict == 100) Interlocked.Increment(ref noEntry);
                Interlocked.Increment(ref runs);
            }
        });
        // Swap until enough runs were caught across a flip (each swap catches one only now and then).
        int swaps = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while ((swaps < 100 || Volatile.Read(ref straddled) < 5) && DateTime.UtcNow < deadline)
            writer.Apply(Target, Version(++swaps % 2, hosts: 100 + swaps % 2 * 200), new AttachmentSettings());
        stop.Cancel();
        stream.Wait();
        Assert.Equal(0, noEntry);
        Assert.True(misses == 0, $"{misses} of {runs} runs ({straddled} across a flip) missed their rule over {swaps} swaps");
        // The race was really run: reads in flight across flips (a run spans milliseconds, a swap about as much).
        Assert.True(straddled >= 5, $"{swaps} swaps, {runs} runs, only {straddled} across a flip");
    }
}
