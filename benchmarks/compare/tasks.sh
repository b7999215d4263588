#!/usr/bin/env bash
# Side-by-side training speed on the POS and translation configurations, ours and PyTorch: see tasks.py.
set -euo pipefail
export TASKS_CMD="benchmarks/compare/tasks.sh${*:+ $(printf "%q " "$@")}"
exec /usr/bin/python3 "$(dirname "$0")/tasks.py" "$@"
