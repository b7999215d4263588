"""The table ab_cpu.sh and ab_threads.sh print: per configuration and mode, the base and new medians [min-max] and the
median [min-max] of the per-round new/base ratios.

usage: ab_summary.py LOG UNIT TRAILER, where LOG holds lines `round engine config mode value load`, UNIT names the
values (e.g. `tok/s`) and TRAILER ends the last line (e.g. `one thread, thread CPU clock`)."""
import collections
import statistics
import sys

log, unit, trailer = sys.argv[1], sys.argv[2], sys.argv[3]
d = collections.defaultdict(list)
loads = []
for line in open(log):
    r, e, c, m, t, l = line.split()
    d[(c, m, e)].append(float(t))
    loads.append(float(l))
print(f"| config | mode | base {unit} median [min-max] | new {unit} median [min-max] | new/base per round, median [min-max] |")
print("|---|---|--:|--:|--:|")
ratios = []
for c, m in sorted({(c, m) for c, m, _ in d}):
    b, n = d[(c, m, "base")], d[(c, m, "new")]
    ratios = [x / y for x, y in zip(n, b)]
    print(f"| {c} | {m} | {statistics.median(b):,.0f} [{min(b):,.0f}-{max(b):,.0f}] | {statistics.median(n):,.0f} [{min(n):,.0f}-{max(n):,.0f}] "
          f"| {statistics.median(ratios):.3f} [{min(ratios):.3f}-{max(ratios):.3f}] |")
print(f"\n{len(ratios)} rounds; 1-minute load average at the starts: {min(loads)}-{max(loads)}; {trailer}")
