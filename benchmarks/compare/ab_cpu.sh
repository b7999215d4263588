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
/usr/bin/python3 "$(dirname "$0")/ab_summary.py" "$log" "tok/s" "one thread, thread CPU clock"
rm -f "$log"
