#!/usr/bin/env bash
# One AFL++ campaign against one SharpFuzz target (tests/fuzz/README.md).
#   tests/fuzz/run.sh TARGET EXECUTIONS [SECONDS]     TARGET: modelfile | zip | text
# Builds the harness, copies it to $FUZZ_OUT/bin (default /tmp/mlnet-recurrent-fuzz), instruments the two
# libraries there with `sharpfuzz`, copies the committed seed corpus and runs afl-fuzz at the lowest priority until
# EXECUTIONS executions (afl-fuzz -E) or SECONDS seconds (-V), whichever comes first.
# Needs: afl++ (apt-get install -y afl++) and `dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0`.
set -euo pipefail
cd "$(dirname "$0")"
target=$1 executions=$2 seconds=${3:-86400}
out=${FUZZ_OUT:-/tmp/mlnet-recurrent-fuzz}
export PATH="$PATH:$HOME/.dotnet/tools"
if [ ! -f "$out/bin/.instrumented" ]; then
  dotnet build MLNet.Recurrent.Fuzz -c Release -o "$out/bin" >/dev/null
  sharpfuzz "$out/bin/MLNet.Recurrent.Core.dll"
  sharpfuzz "$out/bin/MLNet.Recurrent.dll"
  touch "$out/bin/.instrumented"
fi
# The seed corpus is the committed tests/fuzz/corpus (written by the uninstrumented harness's `seed` command;
# the instrumented copy runs only under afl-fuzz).
rm -rf "$out/corpus" && cp -r corpus "$out/corpus"
case $target in
  modelfile) args=(modelfile) ;;
  zip) args=(zip "$out/corpus/templates") ;;
  text) args=(text "$out/corpus/templates") ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
# FUZZ_RESUME=1 continues the last campaign of this target (afl-fuzz -i -; AFL++ keeps its execution count).
input="$out/corpus/$target"
if [ "${FUZZ_RESUME:-0}" = 1 ]; then input=-; else rm -rf "$out/findings-$target" "$out/stats-$target"; fi
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
export AFL_FORKSRV_INIT_TMOUT=120000 FUZZ_STATS="$out/stats-$target"
exec nice -n 19 afl-fuzz -i "$input" -o "$out/findings-$target" -t 5000 -m none -E "$executions" -V "$seconds" \
  -- dotnet "$out/bin/MLNet.Recurrent.Fuzz.dll" "${args[@]}"
