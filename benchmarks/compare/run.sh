#!/usr/bin/env bash
# One command for the side-by-side comparison; see benchmarks/compare/README.md. Arguments go to run.py.
set -euo pipefail
export COMPARE_CMD="benchmarks/compare/run.sh${*:+ $(printf "%q " "$@")}"
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
