#!/usr/bin/env bash
# A/B of a code change on a shared machine: two builds of MLNet.Recurrent.Benchmarks, interleaved rounds of the
# one-thread CPU-clock mode (`cpu`, CpuTimeMode.cs), per-round ratios new/base with their median and range, and the
# 1-minute load average at each start. Build the base in a separate folder first, e.g.
#   git archive BASE_COMMIT | tar -x -C /tmp/base && dotnet build /tmp/base/benchmarks/MLNet.Recurrent.Benchmarks -c Release
# usage: benchmarks/compare/ab_cpu.sh BASE_DLL NEW_DLL [ROUNDS=5] [CONFIGS=a,b,c,d,f] [MODES=infer,train] [SECONDS=3]
set -euo pipefail
base=$1; new=$2; rounds=${3:-5}; configs=${4:-a,b,c,d,f}; modes=${5:-infer,train}; seconds=${6:-3}
log=$(mktemp)
for r in $(seq 1 "$rounds"); do
  for engine in base new; do
    dll=$base; [ "$engine" = new ] && dll=$new
    load=$(cut -d' ' -f1 /proc/loadavg)
    dotnet "$dll" cpu "$configs" "$modes" "$seconds" | while read -r cfg mode toks; do echo "$r $engine $cfg $mode $toks $load"; done >> "$log"
  done
done
/usr/bin/python3 - "$log" <<'PY'
import sys, collections, statistics
d = collections.defaultdict(list); loads = []
for line in open(sys.argv[1]):
    r, e, c, m, t, l = line.split()
    d[(c, m, e)].append(float(t)); loads.append(float(l))
print("| config | mode | base tok/s median [min-max] | new tok/s median [min-max] | new/base per round, median [min-max] |")
print("|---|---|--:|--:|--:|")
for c, m in sorted({(c, m) for c, m, _ in d}):
    b, n = d[(c, m, "base")], d[(c, m, "new")]
    ratios = [x / y for x, y in zip(n, b)]
    print(f"| {c} | {m} | {statistics.median(b):,.0f} [{min(b):,.0f}-{max(b):,.0f}] | {statistics.median(n):,.0f} [{min(n):,.0f}-{max(n):,.0f}] "
          f"| {statistics.median(ratios):.3f} [{min(ratios):.3f}-{max(ratios):.3f}] |")
print(f"\n{len(ratios)} rounds; 1-minute load average at the starts: {min(loads)}-{max(loads)}; one thread, thread CPU clock")
PY
rm -f "$log"
