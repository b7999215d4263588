#!/usr/bin/env bash
# Cost curves (tokens/s and peak memory against T, H and B), ours and PyTorch: see cost_curves.py.
exec /usr/bin/python3 "$(dirname "$0")/cost_curves.py" "$@"
