#!/usr/bin/env bash
# Runs real-kernel test suites on a Debian kernel booted under qemu (software emulation: no KVM here).
#   vm-tests/qemu/run.sh SERIES        e.g. 6.1: the newest linux-image-SERIES.0-N-cloud-amd64-unsigned in apt
# The guest runs on the host's own root, shared read-only over virtiofs under a tmpfs overlay, so it has the
# host's .NET, clang, ip and tc and the test assemblies as built on the host (build them first: ./build.sh
# test-kernel does). Results, TRX files and the guest's console log go to artifacts/qemu/SERIES/.
# Environment:
#   NETFENCE_QEMU_PLAN      the plan file (default ./projects; ./projects.ci is CI's subset, what
#                           ./build.sh test-kernel SERIES ci runs)
#   NETFENCE_QEMU_PROJECTS  test projects to run (names under vm-tests/), instead of the plan file;
#                           "none" only boots the guest and powers it off (a check of the machinery)
#   NETFENCE_QEMU_FILTER    a dotnet test --filter expression for every project of NETFENCE_QEMU_PROJECTS (while
#                           iterating: e.g. FullyQualifiedName~VerticalSliceTests)
#   NETFENCE_QEMU_TIMEOUT   seconds for the whole guest run (default 2400); NETFENCE_QEMU_BOOT_TIMEOUT for the
#                           guest to reach its test runner (default 600)
#   NETFENCE_QEMU_COMMAND   a bash command the guest runs (as root, in the repository) before the tests, output in
#                           out/command.log: for looking at the kernel by hand (e.g. bytecode-inspect --verify)
#   NETFENCE_QEMU_SMP, NETFENCE_QEMU_MEMORY  guest CPUs (default 2) and memory (default 3G)
#   NETFENCE_QEMU_SLOWNESS  the factor the tests' waits are scaled by in the guest (default 6; Sandbox/Slowness.cs)
# Exit status: 0 only if the guest booted, ran every project to the end within the deadline, no test failed, and
# every skip was a kernel-feature skip (a feature older than this kernel, reported by name in the summary).
set -euo pipefail

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'qemu: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/vm-tests/qemu"
CONFIG=${CONFIG:-Release}
SERIES=${1:?usage: vm-tests/qemu/run.sh SERIES (e.g. 6.1)}
# One line per project: NAME [FILTER] (a dotnet test --filter expression, for a subset).
PLAN_FILE=${NETFENCE_QEMU_PLAN:-$HERE/projects}
[[ -f $PLAN_FILE ]] || die "no plan file $PLAN_FILE"
PLAN=${NETFENCE_QEMU_PROJECTS:-$(grep -v '^#' "$PLAN_FILE")}
[[ $PLAN == none ]] && PLAN=""
if [[ -n ${NETFENCE_QEMU_PROJECTS:-} ]]; then
  PLAN=$(tr ' ' '\n' <<<"$PLAN" | awk -v filter="${NETFENCE_QEMU_FILTER:-}" 'NF { print $0 (filter == "" ? "" : " " filter) }')
elif [[ -n ${NETFENCE_QEMU_FILTER:-} ]]; then
  die "NETFENCE_QEMU_FILTER needs NETFENCE_QEMU_PROJECTS (the projects file has its own filters)"
fi
TIMEOUT=${NETFENCE_QEMU_TIMEOUT:-2400}
BOOT_TIMEOUT=${NETFENCE_QEMU_BOOT_TIMEOUT:-600}
SMP=${NETFENCE_QEMU_SMP:-2}
MEMORY=${NETFENCE_QEMU_MEMORY:-3G}
# What the guest needs before the host's root is mounted; modprobe loads everything else on demand.
INITRD_MODULES=(virtio_pci virtiofs overlay)


[[ $(id -u) -eq 0 ]] || die "needs root (virtiofsd shares the host's root with the guest)"
# ./build.sh test-kernel installs these (qemu-system-x86 with virtiofsd, busybox-static, kmod, python3).
for tool in qemu-system-x86_64 depmod modprobe busybox python3; do
  command -v "$tool" >/dev/null || die "$tool is missing: run ./build.sh test-kernel $SERIES, which installs it"
done
[[ $SERIES =~ ^[0-9]+\.[0-9]+$ ]] || die "SERIES must look like 6.1, not '$SERIES'"

STATE="$ROOT/artifacts/qemu"
RUN="$STATE/$SERIES"
OUT="$RUN/out"

# --- the kernel, from Debian's packages (downloaded and unpacked once, never installed) ---
package=$(apt-cache search --names-only "^linux-image-${SERIES//./\\.}\.[0-9]+-[0-9]+-cloud-amd64-unsigned\$" |
  awk '{print $1}' | sort -V | tail -n 1)
[[ -n $package ]] || die "no linux-image-$SERIES.*-cloud-amd64-unsigned in apt's lists (run apt-get update?)"
KDIR="$STATE/kernels/$package"
if [[ ! -f $KDIR/.complete ]]; then
  log "downloading $package"
  rm -rf "$KDIR"
  mkdir -p "$KDIR/deb"
  (cd "$KDIR/deb" && apt-get download -q "$package" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  deb=$(ls "$KDIR"/deb/*.deb 2>/dev/null | head -n 1)
  [[ -f $deb ]] || die "apt-get download $package produced no .deb"
  dpkg-deb -x "$deb" "$KDIR/root"
  rm -rf "$KDIR/deb"
  kver=$(ls "$KDIR/root/lib/modules")
  depmod -b "$KDIR/root" "$kver"
  touch "$KDIR/.complete"
fi
kver=$(ls "$KDIR/root/lib/modules")
VMLINUZ="$KDIR/root/boot/vmlinuz-$kver"
MODULES="$KDIR/root/lib/modules/$kver"
[[ -f $VMLINUZ ]] || die "$package has no $VMLINUZ"

# --- the initramfs: busybox, the modules above (with their dependencies, in load order), stage 1 ---
declare -A seen=()
order=()
add_module() { # DFS over modules.dep so dependencies load first
  local name=$1 line path dep
  [[ -z ${seen[$name]:-} ]] || return 0
  seen[$name]=1
  line=$(grep -E "/${name}\.ko:" "$MODULES/modules.dep") || die "module $name is not in $package (built in?)"
  for dep in ${line#*:}; do
    dep=${dep##*/}
    add_module "${dep%.ko}"
  done
  order+=("$name")
}
for m in "${INITRD_MODULES[@]}"; do add_module "$m"; done
INITRD="$STATE/initrd-$kver.cpio"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$staging/bin/busybox"
ldd "$staging/bin/busybox" >/dev/null 2>&1 && die "/bin/busybox is dynamically linked (install busybox-static)"
cp "$HERE/init" "$staging/init"
mknod -m 600 "$staging/dev/console" c 5 1
for m in "${order[@]}"; do
  cp "$(find "$MODULES/kernel" -name "$m.ko")" "$staging/modules/"
done
printf '%s\n' "${order[@]}" > "$staging/modules/order"
(cd "$staging" && find . | busybox cpio -o -H newc 2>/dev/null) > "$INITRD"

# --- what the guest runs ---
rm -rf "$OUT"
mkdir -p "$OUT/results"
: > "$OUT/plan"
while read -r p filter; do
  [[ -n $p ]] || continue
  dll="$ROOT/vm-tests/$p/bin/$CONFIG/net10.0/$p.dll"
  [[ -f $dll ]] || die "$dll is missing: build first (./build.sh test-kernel $SERIES does)"
  echo "$p $dll $filter" >> "$OUT/plan"
done <<<"$PLAN"
[[ -z ${NETFENCE_QEMU_COMMAND:-} ]] || printf '%s\n' "$NETFENCE_QEMU_COMMAND" > "$OUT/command"
printf 'nf_modules=%q\nnf_path=%q\nnf_slowness=%q\n' "$MODULES" "$PATH:/usr/sbin:/usr/bin:/sbin:/bin" "${NETFENCE_QEMU_SLOWNESS:-6}" > "$OUT/env"

# --- virtiofsd for the host's root (mounted read-only in the guest) and for the results ---
VIRTIOFSD=/usr/lib/qemu/virtiofsd
[[ -x $VIRTIOFSD ]] || die "$VIRTIOFSD is missing (Debian's qemu-system-x86 ships it)"
sockets=$(mktemp -d /run/netfence-qemu.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$staging" "$sockets"
}
trap cleanup EXIT
"$VIRTIOFSD" --socket-path="$sockets/root.sock" -o source=/ -o sandbox=chroot -o cache=always -o log_level=err \
  > "$RUN/virtiofsd-root.log" 2>&1 &
pids+=($!)
"$VIRTIOFSD" --socket-path="$sockets/out.sock" -o source="$OUT" -o sandbox=chroot -o cache=none -o log_level=err \
  > "$RUN/virtiofsd-out.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 30))
until [[ -S $sockets/root.sock && -S $sockets/out.sock ]]; do
  ((SECONDS < deadline)) || die "virtiofsd did not create its sockets (see $RUN/virtiofsd-*.log)"
  sleep 0.2
done

# --- boot ---
CONSOLE="$RUN/console.log"
: > "$CONSOLE"
log "booting $package ($kver) under qemu (TCG, $SMP CPUs, $MEMORY): $(awk '{print $1 ($3 ? " (" $3 ")" : "")}' "$OUT/plan" | paste -sd, -)"
started=$SECONDS
qemu-system-x86_64 -nodefaults -no-reboot -display none -machine pc -accel tcg,thread=multi -cpu max \
  -smp "$SMP" -m "$MEMORY" \
  -object memory-backend-memfd,id=mem,size="$MEMORY",share=on -numa node,memdev=mem \
  -chardev socket,id=fsroot,path="$sockets/root.sock" -device vhost-user-fs-pci,chardev=fsroot,tag=root \
  -chardev socket,id=fsout,path="$sockets/out.sock" -device vhost-user-fs-pci,chardev=fsout,tag=out \
  -chardev file,id=console,path="$CONSOLE" -serial chardev:console \
  -kernel "$VMLINUZ" -initrd "$INITRD" \
  -append "console=ttyS0 loglevel=4 panic=-1 nf_repo=$ROOT" &
qemu=$!
pids+=("$qemu")

# Poll the guest with deadlines: it must reach stage 2 within BOOT_TIMEOUT and finish within TIMEOUT.
verdict=""
while kill -0 "$qemu" 2>/dev/null; do
  elapsed=$((SECONDS - started))
  if ((elapsed > TIMEOUT)); then
    verdict="the guest did not finish within ${TIMEOUT} s"
    break
  fi
  if ((elapsed > BOOT_TIMEOUT)) && ! grep -q 'netfence-guest: stage 2' "$CONSOLE"; then
    verdict="the guest did not reach its test runner within ${BOOT_TIMEOUT} s"
    break
  fi
  sleep 1
done
if [[ -n $verdict ]]; then kill "$qemu" 2>/dev/null || true; fi
wait "$qemu" 2>/dev/null || true
duration=$((SECONDS - started))
[[ -n $verdict || -f $OUT/done ]] || verdict="the guest stopped before finishing (see the console log)"

# --- report ---
mkdir -p "$RUN/results"
rm -f "$RUN"/results/*
cp "$OUT"/results/*.trx "$RUN/results/" 2>/dev/null || true
rc=0
python3 "$HERE/summarize.py" --uname "$OUT/uname" --exit-codes "$OUT/exit-codes" --plan "$OUT/plan" \
  --logs "$OUT" --package "$package" --duration "$duration" | tee "$RUN/summary.txt" || rc=1
if [[ -n $verdict ]]; then
  echo "qemu: $verdict" | tee -a "$RUN/summary.txt" >&2
  rc=1
fi
echo "console log: $CONSOLE; test logs and TRX files: $OUT" >&2
exit $rc
