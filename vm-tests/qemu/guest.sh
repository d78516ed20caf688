#!/bin/bash
# Stage 2, PID 1 in the guest, run by the host's bash on the host's root (read-only, under a tmpfs overlay): make
# the machine a test host (proc, sysfs, cgroup2, bpffs, a fresh /run, the kernel's modules for autoloading, lo up),
# run the test assemblies that run.sh listed in /mnt/netfence-out/plan, write TRX files, logs and the exit codes
# to /mnt/netfence-out, and power off. Never exits: PID 1 exiting would panic the kernel.
OUT=/mnt/netfence-out
say() { echo "netfence-guest: $*" > /dev/console; }
poweroff_now() {
  sync
  echo o > /proc/sysrq-trigger
  while :; do sleep 60; done
}
trap 'say "stage 2 died at line $LINENO"; poweroff_now' ERR
set -eEuo pipefail

# run.sh's settings: nf_modules (the extracted module tree), nf_path (the host's PATH).
source "$OUT/env"
say "stage 2 on $(uname -r)"
uname -r > "$OUT/uname"
# The host's /run, /tmp and cgroup/bpffs mounts show through the overlay as plain directories: start clean.
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/lock
# A checkout under /tmp (a CI clone can be anywhere) would vanish under the fresh /tmp: hold it aside with a bind
# mount and put it back at the same path, which the plan's assembly paths and the module tree's path name.
if [[ $nf_repo == /tmp/* ]]; then
  mkdir -p /mnt/netfence-repo
  mount --bind "$nf_repo" /mnt/netfence-repo
fi
mount -t tmpfs -o mode=1777 tmpfs /tmp
if [[ $nf_repo == /tmp/* ]]; then
  mkdir -p "$nf_repo"
  mount --bind /mnt/netfence-repo "$nf_repo"
fi
mkdir -p /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
# Modules (veth, sch_ingress for clsact, cls_bpf, ...) load on demand through the kernel's request_module, which
# runs the host's modprobe against the Debian package's module tree that run.sh extracted and indexed.
mkdir -p "/lib/modules/$(uname -r)"
mount --bind "$nf_modules" "/lib/modules/$(uname -r)"
echo /sbin/modprobe > /proc/sys/kernel/modprobe
ip link set lo up
hostname netfence-qemu

export HOME=/root DOTNET_CLI_HOME=/tmp/dotnet-home DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_GENERATE_ASPNET_CERTIFICATE=0 NETFENCE_REQUIRE_KERNEL=1 \
  PATH="$nf_path" TMPDIR=/tmp
# Under emulation on a loaded host the test host process can take longer than vstest's default 90 s to connect back
# (the datapath suite's run was aborted that way once); a slow start is not a failure.
export VSTEST_CONNECTION_TIMEOUT=900
# Emulation makes every process start and packet 20-50 times slower than on the host: the tests' waits for things
# that should happen (and for concluding that something did not) are scaled by this (src/Netfence.Sandbox/Slowness.cs).
export NETFENCE_SLOWNESS=$nf_slowness
cd "$nf_repo"
: > "$OUT/exit-codes"
if [[ -f $OUT/command ]]; then
  say "running NETFENCE_QEMU_COMMAND"
  bash "$OUT/command" > "$OUT/command.log" 2>&1 || say "NETFENCE_QEMU_COMMAND exited $?"
fi
while read -r name dll filter; do
  [[ -n $name ]] || continue
  say "running $name${filter:+ (only $filter)}"
  start=$(date +%s)
  rc=0
  args=()
  [[ -z $filter ]] || args=(--filter "$filter")
  dotnet test "$dll" "${args[@]}" --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$OUT/results" > "$OUT/$name.log" 2>&1 || rc=$?
  echo "$name $rc $(($(date +%s) - start))" >> "$OUT/exit-codes"
  say "$name finished: exit $rc in $(($(date +%s) - start)) s"
done < "$OUT/plan"
echo done > "$OUT/done"
say "all done"
poweroff_now
