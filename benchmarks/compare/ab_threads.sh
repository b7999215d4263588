#!/usr/bin/env bash
# A/B of a code change at a given thread count, by wall clock: two builds of MLNet.Recurrent.Benchmarks, interleaved
# rounds of the compare harness's console mode (`--configs ... --threads N --json`, CompareMode.cs), per-round ratios
# new/base with their median and range, and the 1-minute load average at each start. Wall-clock figures on a shared
# machine move far more than the CPU-clock ones of ab_cpu.sh, so use many rounds; this is the A/B for changes whose
# gain comes from using more threads, which ab_cpu.sh cannot show. Build the base in a separate folder first, e.g.
#   git archive BASE_COMMIT | tar -x -C /tmp/base && dotnet build /tmp/base/benchmarks/MLNet.Recurrent.Benchmarks -c Release
# Throughputs are tokens/s; latency configs (e, stream) are reported as runs per second (1000 / median ms).
# usage: benchmarks/compare/ab_threads.sh BASE_DLL NEW_DLL [ROUNDS=6] [CONFIGS=a,c,d] [THREADS=2]
set -euo pipefail
base=$1; new=$2; rounds=${3:-6}; configs=${4:-a,c,d}; threads=${5:-2}
log=$(mktemp); json=$(mktemp)
for r in $(seq 1 "$rounds"); do
  for engine in base new; do
    dll=$base; [ "$engine" = new ] && dll=$new
    load=$(cut -d' ' -f1 /proc/loadavg)
    dotnet "$dll" --configs "$configs" --threads "$threads" --json "$json" > /dev/null
    /usr/bin/python3 - "$json" "$r" "$engine" "$load" >> "$log" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c, v in d["configs"].items():
    for m in ("train", "infer"):
        if v.get(f"{m}_tok_s"):
            print(sys.argv[2], sys.argv[3], c, m, v[f"{m}_tok_s"], sys.argv[4])
# Latencies (configs e and stream) as their inverse, per second, so that above 1 still means the new build is faster.
for key, c in (("e_ms", "e"), ("stream_step_ms", "stream")):
    if d.get(key):
        print(sys.argv[2], sys.argv[3], c, "runs_per_s", 1000 / d[key], sys.argv[4])
PY
  done
done
/usr/bin/python3 "$(dirname "$0")/ab_summary.py" "$log" "per s" "$threads threads, wall clock"
rm -f "$log" "$json"
