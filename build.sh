#!/usr/bin/env bash
# Netfence's single entry point. On a fresh machine each command installs what it needs first.
#   ./build.sh            build everything: executables to artifacts/bin (netfenced among them), filter objects to artifacts/bpf
#   ./build.sh test       build, then run every test suite (real-kernel suites need root)
#   ./build.sh demo       build, then run the demo (needs root; --loader-tour [--tc-mode MODE] for the loader on its own)
#   ./build.sh inspect ARGS  build, then run bytecode-inspect (disassembly, summaries, --verify, --run, --diff)
#   ./build.sh test-kernel SERIES [ci]  build the real-kernel suites and run them on Debian's SERIES kernel (e.g. 6.1)
#                         booted under qemu (software emulation); summary and console log in artifacts/qemu/SERIES;
#                         ci: only CI's representative subset (vm-tests/qemu/projects.ci)
#   ./build.sh bench [all] [--quick]  run every benchmark below in turn (as root), then one report of their headline
#                         figures (ratios, absolute figures, goals) with the machine: artifacts/bench/report.md and the
#                         README's bench:report table (each benchmark still updates its own table); --quick runs each
#                         with short options to check the tooling in a few minutes and touches no README table
#   ./build.sh bench NAME [ARGS]  run one benchmark; table to artifacts/bench/NAME.md, figures to NAME.json, README's table
#                         (datapath: C#-compiled vs clang -O2 datapath object; needs root)
#                         (dns: dnsperf against dnsmasq directly and through an attachment's DNS server, cache off and on)
#                         (policy: policy file edit / control-plane command / 100,000-CIDR BulkUpdate → enforced, with
#                          where a BulkUpdate's time goes; needs root)
#                         (scale: 1,000 cgroup attachments on one netfenced: attach, memory, restart, resync; needs root)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
CONFIG=${CONFIG:-Release}
ARTIFACTS="$ROOT/artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Executable projects and the name each gets in artifacts/bin.
EXECUTABLES=(
  "src/Netfence.Demo/Netfence.Demo.csproj"
  "src/Netfence.Inspect/Netfence.Inspect.csproj"
  "vm-tests/bench/Netfence.Bench.Datapath/Netfence.Bench.Datapath.csproj"
  "src/Netfence.Daemon/Netfence.Daemon.csproj"
  "vm-tests/bench/Netfence.Bench.Dns/Netfence.Bench.Dns.csproj"
  "vm-tests/bench/Netfence.Bench.Policy/Netfence.Bench.Policy.csproj"
  "vm-tests/bench/Netfence.Bench.Scale/Netfence.Bench.Scale.csproj"
  "vm-tests/bench/Netfence.Bench.Report/Netfence.Bench.Report.csproj"
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are missing. Only root can; others get one clear line.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "build.sh: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    return 0
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET SDK (10.0) is required: dotnet is not on PATH"
}

build() {
  ensure_dotnet
  log "restoring and building ($CONFIG)"
  dotnet build Netfence.sln -c "$CONFIG" -nologo -clp:ErrorsOnly -v:quiet
  mkdir -p "$ARTIFACTS/bin" "$ARTIFACTS/bpf"
  local proj
  for proj in "${EXECUTABLES[@]}"; do
    [[ -f $proj ]] || continue
    dotnet publish "$proj" -c "$CONFIG" --no-build -nologo -v:quiet -o "$ARTIFACTS/bin" >/dev/null
  done
}

# Builds one executable project and what it references (a program project's eBPF compile step included), and
# publishes it to artifacts/bin.
build_one() {
  ensure_dotnet
  log "restoring and building $1 ($CONFIG)"
  dotnet build "$1" -c "$CONFIG" -nologo -clp:ErrorsOnly -v:quiet
  mkdir -p "$ARTIFACTS/bin"
  dotnet publish "$1" -c "$CONFIG" --no-build -nologo -v:quiet -o "$ARTIFACTS/bin" >/dev/null
}

# Sums the counters of every TRX file and prints one closing line the way runners do.
summarize_tests() {
  local dir=$1 total=0 passed=0 failed=0 skipped=0 f c
  for f in "$dir"/*.trx; do
    [[ -f $f ]] || continue
    c=$(grep -o '<Counters [^>]*>' "$f")
    total=$((total + $(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$c")))
    passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$c")))
    failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$c")))
    skipped=$((skipped + $(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$c")))
  done
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [[ ${NETFENCE_REQUIRE_KERNEL:-} == 1 && $skipped -gt 0 ]]; then
    echo "build.sh: NETFENCE_REQUIRE_KERNEL=1 but $skipped test(s) skipped:" >&2
    grep -ho 'testName="[^"]*"[^>]*outcome="NotExecuted"' "$dir"/*.trx | sed -E 's/testName="([^"]*)".*/  \1/' >&2 || true
    return 1
  fi
  ((failed == 0 && total > 0))
}

# Kernel tests name everything they make with the "nft" prefix; after a run nothing of that
# name may remain (a namespace, a cgroup, a pin), whichever test forgot to clean up.
list_leftovers() {
  [[ $(id -u) -eq 0 ]] || return 0
  local mnt
  while read -r ns _; do if [[ $ns == nft* ]]; then echo "netns $ns"; fi; done < <(ip netns list 2>/dev/null)
  while read -r _ mnt type _; do
    [[ $type == cgroup2 || $type == bpf ]] || continue
    find "$mnt" -mindepth 1 -maxdepth 1 -name 'nft*' -printf "$type %p\n" 2>/dev/null
  done < /proc/mounts
}

# Only what this run made counts against it: objects that were already there came from an earlier run that
# was killed before its cleanup (or from a run still going on the same kernel), so they are named, not blamed.
check_leftovers() {
  local before=$1 after new
  after=$(list_leftovers | sort)
  new=$(comm -13 <(sort <<<"$before") <(echo "$after"))
  if [[ -n $before ]]; then
    printf 'build.sh: these were already here before the tests ran (an interrupted earlier run?):\n' >&2
    sed 's/^/  /' <<<"$before" >&2
  fi
  [[ -z $new ]] && return 0
  printf 'build.sh: kernel tests left these behind:\n' >&2
  sed 's/^/  /' <<<"$new" >&2
  return 1
}

test_() {
  # clang/llvm compile and cross-check reference objects; iproute2 builds namespaces and veths;
  # dnsmasq is the DNS tests' upstream and dig (bind9-dnsutils) their reference client; the workload suite runs curl
  # and nc (netcat-openbsd) inside its workloads.
  ensure_packages clang llvm bpftool iproute2 dnsmasq bind9-dnsutils curl netcat-openbsd
  build
  local results="$ARTIFACTS/test-results"
  rm -rf "$results"
  log "running tests"
  local rc=0 before
  before=$(list_leftovers | sort)
  dotnet test Netfence.sln -c "$CONFIG" --no-build -nologo \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || rc=$?
  summarize_tests "$results" || rc=1
  check_leftovers "$before" || rc=1
  return $rc
}

# Issue 9: the real-kernel suites on a second, older kernel (Debian's 6.1 LTS: no TCX, an older verifier), booted
# under qemu on the host's own root (vm-tests/qemu/README.md). Only the test projects the guest runs are built.
test_kernel() {
  [[ $# -eq 1 || ( $# -eq 2 && $2 == ci ) ]] || die "usage: ./build.sh test-kernel SERIES [ci] (e.g. 6.1; ci: CI's subset, vm-tests/qemu/projects.ci)"
  if [[ ${2:-} == ci ]]; then export NETFENCE_QEMU_PLAN="$ROOT/vm-tests/qemu/projects.ci"; fi
  [[ $(id -u) -eq 0 ]] || die "test-kernel shares the host's root with a qemu guest through virtiofsd: run it as root"
  # qemu-system-x86 brings virtiofsd; busybox-static the initramfs; kmod depmod and the guest's modprobe; python3
  # the summary; the rest is what the suites themselves use (as in test_).
  ensure_packages qemu-system-x86 busybox-static kmod python3 clang llvm iproute2
  ensure_dotnet
  local projects=${NETFENCE_QEMU_PROJECTS:-$(grep -v '^#' "${NETFENCE_QEMU_PLAN:-vm-tests/qemu/projects}" | awk '{print $1}')} p
  if [[ $projects != none ]]; then
    for p in $projects; do
      log "restoring and building $p ($CONFIG)"
      dotnet build "vm-tests/$p/$p.csproj" -c "$CONFIG" -nologo -clp:ErrorsOnly -v:quiet
    done
  fi
  vm-tests/qemu/run.sh "$1"
}

demo() {
  # iproute2 builds the lab's namespaces and veths; dnsmasq is its internet's DNS zone; setsid (util-linux) runs netfenced
  # in its own session so that Ctrl-C reaches only the demo, which then stops it in order.
  ensure_packages iproute2 dnsmasq util-linux
  build
  [[ $(id -u) -eq 0 ]] || die "the demo attaches eBPF programs and makes namespaces: run it as root"
  "$ARTIFACTS/bin/netfence-demo" "$@"
}

inspect() {
  build >&2 # keep stdout for the tool's output (--json pipes cleanly)
  "$ARTIFACTS/bin/bytecode-inspect" "$@"
}

# What each benchmark gets to keep its README table; a quick run empties it.
BENCH_README=(--readme "$ROOT/README.md")

bench() {
  local name=${1:-all}
  if [[ $# -ge 1 && $1 != --quick ]]; then shift; fi
  if [[ $name == --quick ]]; then name=all; fi
  case $name in
    all) bench_all "$@" ;;
    datapath) bench_datapath "$@" ;;
    dns) bench_dns "$@" ;;
    policy) bench_policy "$@" ;;
    scale) bench_scale "$@" ;;
    *) die "no benchmark named '$name' (usage: ./build.sh bench [all] [--quick] | bench NAME [ARGS]; benchmarks: datapath, dns, policy, scale)" ;;
  esac
}

# Issue 9: every benchmark in turn, then one report of their headline figures. A benchmark that fails stops the run, so
# the report never mixes in an earlier run's figures (it also refuses any NAME.json older than this run's start).
# --quick passes each benchmark its own short options (fewer rules, rounds, edits, attachments) and leaves the README
# alone: it checks the tooling end to end in a few minutes; its figures are not the benchmarks'.
bench_all() {
  local quick=() arg
  for arg in "$@"; do
    case $arg in
      --quick) quick=(--quick) ;;
      *) die "bench all: unknown argument '$arg' (it takes only --quick; pass a benchmark's own options with ./build.sh bench NAME)" ;;
    esac
  done
  [[ $(id -u) -eq 0 ]] || die "the benchmarks load eBPF programs and make cgroups: run them as root"
  local started load commit
  started=$(date +%s)
  load=$(cut -d' ' -f1 /proc/loadavg)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "not-a-git-checkout")
  if [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]]; then commit+="-dirty"; fi
  local datapath=() dns=() policy=() scale=()
  if ((${#quick[@]})); then
    BENCH_README=()
    datapath=(--rules 10,10000)
    dns=(--rounds 1 --seconds 1 --latency-seconds 1)
    policy=(--edits 10 --commands 20 --bulk-rounds 2)
    scale=(--attachments 50)
  fi
  bench_datapath "${datapath[@]}"
  bench_dns "${dns[@]}"
  bench_policy "${policy[@]}"
  bench_scale "${scale[@]}"
  build_one vm-tests/bench/Netfence.Bench.Report/Netfence.Bench.Report.csproj
  log "writing the report of every benchmark"
  "$ARTIFACTS/bin/netfence-bench-report" --in "$ARTIFACTS/bench" --started "$started" --load-average "$load" --commit "$commit" \
    "${BENCH_README[@]}" "${quick[@]}"
}

# Issue 5: our compiler's datapath object against the same logic compiled by clang -O2, side by side in one run.
# ARGS go to the tool; --dev-reference-on-both-sides exercises the harness with clang's object on both sides (a run
# that says loudly it is not a valid comparison and never touches the README).
bench_datapath() {
  ensure_packages clang
  [[ $(id -u) -eq 0 ]] || die "the datapath benchmark loads eBPF programs and makes cgroups: run it as root"
  local csharp="$ARTIFACTS/bpf/Netfence.Programs.o" reference="$ARTIFACTS/bpf/reference/netfence_datapath.o" arg
  # Only this build's compiler output may be benchmarked: an object left by an earlier build must not pass for it.
  rm -f "$csharp"
  # Netfence.Datapath embeds that object, so the programs are built on their own first: with everything up to date,
  # building the benchmark alone compiled Netfence.Datapath before the programs' compile step had written it again.
  log "building the C# datapath programs (artifacts/bpf/Netfence.Programs.o)"
  dotnet build programs/Netfence.Programs/Netfence.Programs.csproj -c "$CONFIG" -nologo -clp:ErrorsOnly -v:quiet
  [[ -f $csharp ]] || die "building programs/Netfence.Programs did not write $csharp"
  # The benchmark references Netfence.Datapath and through it programs/Netfence.Programs, whose build writes the
  # C# object; nothing else needs building.
  build_one vm-tests/bench/Netfence.Bench.Datapath/Netfence.Bench.Datapath.csproj
  log "compiling the C reference (clang -O2 -target bpf -g)"
  mkdir -p "$(dirname "$reference")" "$ARTIFACTS/bench"
  clang -O2 -g -target bpf -c vm-tests/bench/reference/netfence_datapath.c -o "$reference"
  local inputs=(--csharp-object "$csharp")
  for arg in "$@"; do
    if [[ $arg == --dev-reference-on-both-sides ]]; then inputs=(); fi
  done
  log "running the datapath benchmark"
  "$ARTIFACTS/bin/netfence-bench-datapath" "${inputs[@]}" --reference-object "$reference" \
    --out "$ARTIFACTS/bench" "${BENCH_README[@]}" "$@"
}

# Issue 7: dnsperf against a dnsmasq upstream directly and through an attachment's DNS server forwarding to it, with
# the cache off and on, interleaved in one run. ARGS go to the tool (--rounds, --seconds, ...).
bench_dns() {
  ensure_packages dnsmasq dnsperf clang
  command -v dnsperf >/dev/null && command -v dnsmasq >/dev/null || die "the DNS benchmark needs dnsperf and dnsmasq (run as root to install them)"
  build_one vm-tests/bench/Netfence.Bench.Dns/Netfence.Bench.Dns.csproj
  local relay="$ARTIFACTS/bench/tools/udp_relay"
  log "compiling the floor hop (vm-tests/bench/reference/udp_relay.c, clang -O2)"
  mkdir -p "$ARTIFACTS/bench/tools"
  clang -O2 -Wall -Wextra -Werror -o "$relay" vm-tests/bench/reference/udp_relay.c
  log "running the DNS benchmark"
  "$ARTIFACTS/bin/netfence-bench-dns" --out "$ARTIFACTS/bench" --relay "$relay" "${BENCH_README[@]}" "$@"
}

# Issue 8: a rule change → enforced in the kernel by a real netfenced: an edit of the built-in control plane's policy
# file (required within a second), a command from an external control plane on the SDK, a 100,000-CIDR BulkUpdate.
bench_policy() {
  ensure_packages python3
  [[ $(id -u) -eq 0 ]] || die "the policy benchmark attaches eBPF filters to a cgroup: run it as root"
  build_one vm-tests/bench/Netfence.Bench.Policy/Netfence.Bench.Policy.csproj
  mkdir -p "$ARTIFACTS/bench"
  log "running the policy benchmark"
  "$ARTIFACTS/bin/netfence-bench-policy" --out "$ARTIFACTS/bench" "${BENCH_README[@]}" "$@"
}

# Issue 6: one netfenced process (the one artifacts/bin gets) with 1,000 cgroup attachments made through its API and a
# `netfenced controlplane` process: attach latency, memory, restart and adoption, control-plane resync, detach-all.
# ARGS go to the tool (--attachments N).
bench_scale() {
  [[ $(id -u) -eq 0 ]] || die "the scale benchmark runs netfenced, which attaches eBPF programs to cgroups: run it as root"
  build_one src/Netfence.Daemon/Netfence.Daemon.csproj
  build_one vm-tests/bench/Netfence.Bench.Scale/Netfence.Bench.Scale.csproj
  mkdir -p "$ARTIFACTS/bench"
  log "running the scale benchmark"
  "$ARTIFACTS/bin/netfence-bench-scale" --netfenced "$ARTIFACTS/bin/netfenced" --out "$ARTIFACTS/bench" "${BENCH_README[@]}" "$@"
}

case "${1:-build}" in
  build) build ;;
  test) test_ ;;
  test-kernel) shift; test_kernel "$@" ;;
  demo) shift; demo "$@" ;;
  inspect) shift; inspect "$@" ;;
  bench) shift; bench "$@" ;;
  *) die "unknown command '$1' (use: build, test, test-kernel SERIES, demo, inspect ARGS, bench [NAME])" ;;
esac
