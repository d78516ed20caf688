#!/usr/bin/env python3
"""Summarises a guest run: per project passed/failed/skipped from its TRX file, the failures and every skip with
its reason. A skip is acceptable only as a kernel-feature skip (the reason starts with the marker that
Netfence.KernelTesting's KernelFeature puts there); anything else is a failure, as on the host under
NETFENCE_REQUIRE_KERNEL=1. Exits 1 if any project failed, had no TRX, ran no test, or skipped for another reason."""
import argparse
import os
import sys
import xml.etree.ElementTree as ET

FEATURE_SKIP = "kernel feature missing:"
MESSAGE_LINES = 8
NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def main():
    ap = argparse.ArgumentParser()
    for name in ("uname", "exit-codes", "plan", "logs", "package", "duration"):
        ap.add_argument("--" + name, required=True)
    a = ap.parse_args()

    ok = True
    uname = (read(a.uname) or "").strip() or "unknown (the guest never wrote it)"
    print(f"kernel in the guest: {uname} (Debian package {a.package}); guest run took {a.duration} s")
    exits = {}
    for line in (read(a.exit_codes) or "").splitlines():
        name, rc, seconds = line.split()
        exits[name] = (int(rc), int(seconds))
    projects = [line.split()[0] for line in (read(a.plan) or "").splitlines() if line.strip()]

    totals = [0, 0, 0]
    print(f"{'project':40} {'passed':>7} {'failed':>7} {'skipped':>8} {'seconds':>8}")
    details = []
    for project in projects:
        trx = os.path.join(a.logs, "results", project + ".trx")
        if project not in exits:
            print(f"{project:40} {'did not run':>32}")
            ok = False
            continue
        rc, seconds = exits[project]
        if not os.path.exists(trx):
            print(f"{project:40} {'no TRX (exit ' + str(rc) + ', see ' + project + '.log)':>32}")
            ok = False
            continue
        root = ET.parse(trx).getroot()
        passed = failed = skipped = 0
        for r in root.iterfind(".//t:UnitTestResult", NS):
            outcome = r.get("outcome")
            name = r.get("testName")
            message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
            if outcome == "Passed":
                passed += 1
            elif outcome == "NotExecuted":
                skipped += 1
                feature = message.startswith(FEATURE_SKIP)
                details.append(("SKIP (feature)" if feature else "SKIP (not allowed)", project, name, message))
                ok &= feature
            else:
                failed += 1
                details.append(("FAIL", project, name, message))
        print(f"{project:40} {passed:7} {failed:7} {skipped:8} {seconds:8}")
        totals[0] += passed
        totals[1] += failed
        totals[2] += skipped
        if failed or rc != 0 or passed + failed + skipped == 0:
            ok = False
    # A shared fixture that fails takes many tests down with one error: print it once, with the count.
    groups = {}
    for kind, project, name, message in details:
        groups.setdefault((kind, project, message), []).append(name)
    for (kind, project, message), names in groups.items():
        text = "\n      ".join(message.splitlines()[:MESSAGE_LINES])
        more = f" (and {len(names) - 1} more with the same message)" if len(names) > 1 else ""
        print(f"  {kind}: {project}: {names[0]}{more}\n      {text}")
    print(f"qemu {uname}: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
