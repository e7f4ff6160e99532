#!/usr/bin/env python3
"""The Cisco remediation benchmark: reconcile against hier_config, on the same inputs, in one run.

Generates a 10,000-line IOS running config and an intended config with 5% of its lines
changed (about 500: descriptions, addresses, MTUs, static-route next hops, added and removed routes,
ACL entries), then times, from text in memory:
  hier_config  get_hconfig(running) + get_hconfig(intended) + WorkflowRemediation(...).remediation_config
  reconcile    IOSParser.parse(running) + IOSParser.parse(intended) + Remediation.commands(...)
  (the release `bench --ios`, built first)
and compares the time, the number of remediation lines, and the needless negations of
single-valued commands (`no description X` sent before `description Y`) in each output.

usage: pip install hier_config==3.7.1; python3 bench/ios_remediation.py [--iterations 5]
"""
import collections
import importlib.metadata
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

from hier_config import Platform, WorkflowRemediation, get_hconfig

ITERATIONS = int(sys.argv[sys.argv.index("--iterations") + 1]) if "--iterations" in sys.argv else 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(rng: random.Random, change: float):
    """Running and intended configs of about 10,000 lines; `change` of the lines differ."""
    running, intended = [], []

    def both(line, alt=None):
        running.append(line)
        intended.append(alt if alt is not None else line)

    def changed():
        return rng.random() < change

    both("hostname bench-rtr1")
    both("service timestamps log datetime msec")
    both("ip domain name example.net")
    for n in range(1, 41):
        both(f"ntp server 192.0.2.{n}")
    for i in range(610):
        both(f"interface GigabitEthernet0/{i // 48}/{i % 48}")
        both(f" description port {i}", f" description port {i} moved" if changed() else None)
        third, fourth = divmod(i * 4, 256)
        address = f" ip address 10.{100 + third}.{fourth}.1 255.255.255.252"
        both(address, f" ip address 10.{200 + third}.{fourth}.1 255.255.255.252" if changed() else None)
        both(" ip mtu 1500", " ip mtu 1400" if changed() else None)
        both(" ip tcp adjust-mss 1360")
        both(" load-interval 30")
        both(" negotiation auto")
        both(" cdp enable")
    for a in range(40):
        both(f"ip access-list extended ACL-{a}")
        for e in range(40):
            entry = f" permit tcp any host 10.{a}.{e}.1 eq 443"
            if changed():
                running.append(entry)
                intended.append(f" permit tcp any host 10.{a}.{e}.1 eq 8443")
            else:
                both(entry)
    for r in range(3200):
        route = f"ip route 172.{16 + r // 256}.{r % 256}.0 255.255.255.0 192.0.2.{1 + r % 200}"
        roll = rng.random()
        if roll < change / 3:
            running.append(route)  # removed
        elif roll < 2 * change / 3:
            running.append(route)  # next hop changed
            intended.append(f"ip route 172.{16 + r // 256}.{r % 256}.0 255.255.255.0 198.51.100.{1 + r % 200}")
        elif roll < change:
            both(route)
            intended.append(f"ip route 172.{32 + r // 256}.{r % 256}.0 255.255.255.0 192.0.2.{1 + r % 200}")  # added
        else:
            both(route)
    both("router bgp 65010")
    both(" bgp log-neighbor-changes")
    for n in range(300):
        both(f" neighbor 10.255.{n // 250}.{n % 250 + 1} remote-as {65100 + n}")
    both("line vty 0 4")
    both(" transport input ssh")
    return "\n".join(running) + "\n", "\n".join(intended) + "\n"


SINGLE_VALUED = re.compile(r"^(description|ip address \S+ \S+$|ip mtu|hostname|ip tcp adjust-mss)")


def needless_negations(text: str) -> int:
    """`no X` lines whose single-valued command is set again under the same parent."""
    def key(body):
        words = body.split()
        return " ".join(words[:2]) if words[0] == "ip" else words[0]

    parent, added, negated = None, set(), []
    for raw in text.splitlines():
        depth = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if depth == 0:
            parent = line
        scope = parent if depth else None
        if line.startswith("no ") and SINGLE_VALUED.match(line[3:]):
            negated.append((scope, key(line[3:])))
        elif SINGLE_VALUED.match(line):
            added.add((scope, key(line)))
    return sum(1 for item in negated if item in added)


def enumerate_sections(text):
    """Each line with the section it is in, so a child line is told apart from its twin elsewhere."""
    section = None
    for line in text.splitlines():
        if not line.startswith(" "):
            section = line
            yield None, line
        else:
            yield section, line


def main():
    running, intended = generate(random.Random(7), 0.093)
    run_lines = running.count("\n")
    # Lines that differ: removed or changed on one side, added or changed on the other.
    before = collections.Counter((i, l) for i, l in enumerate_sections(running))
    after = collections.Counter((i, l) for i, l in enumerate_sections(intended))
    differing = max(sum((before - after).values()), sum((after - before).values()))
    print(f"input     running {run_lines} lines, intended {intended.count(chr(10))} lines, "
          f"{differing} lines changed ({100 * differing / run_lines:.1f}%)")

    times = []
    for _ in range(ITERATIONS):
        start = time.perf_counter()
        remediation = WorkflowRemediation(
            get_hconfig(Platform.CISCO_IOS, running), get_hconfig(Platform.CISCO_IOS, intended)
        ).remediation_config
        times.append(time.perf_counter() - start)
    hier_text = "\n".join(" " * (c.depth() - 1) + c.text for c in remediation.all_children_sorted()) + "\n"
    hier_lines = hier_text.count("\n")
    hier_ms = statistics.median(times) * 1000

    with tempfile.TemporaryDirectory() as directory:
        paths = {name: os.path.join(directory, name) for name in ("running.cfg", "intended.cfg", "swift.txt")}
        with open(paths["running.cfg"], "w") as f:
            f.write(running)
        with open(paths["intended.cfg"], "w") as f:
            f.write(intended)
        # The same build flags as scripts/install.sh, so CI compiles release once for both.
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "bench"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        out = subprocess.run(
            [os.path.join(ROOT, ".build/release/bench"), "--ios", paths["running.cfg"], paths["intended.cfg"],
             "--iterations", str(ITERATIONS), "--out", paths["swift.txt"]],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout
        swift_ms = float(re.search(r"median ([0-9.]+) ms", out).group(1))
        with open(paths["swift.txt"]) as f:
            swift_text = f.read()
    swift_lines = swift_text.count("\n")

    print(f"hier      hier_config {importlib.metadata.version('hier_config')}: "
          f"median {hier_ms:.1f} ms over {ITERATIONS} runs, {hier_lines} lines, "
          f"{needless_negations(hier_text)} needless negations of single-valued commands")
    print(f"reconcile median {swift_ms:.1f} ms over {ITERATIONS} runs, {swift_lines} lines, "
          f"{needless_negations(swift_text)} needless negations of single-valued commands")
    print(f"ratio     hier_config / reconcile {hier_ms / swift_ms:.1f}x (target >= 10x); "
          f"lines {swift_lines} vs {hier_lines} (target: no more)")


if __name__ == "__main__":
    main()
