#!/usr/bin/env bash
# The machine's memory read ceiling (read_bandwidth.cpp): what S4/S4d/S4m can reach at most.
# OMP_NUM_THREADS sets N (default: all cores).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
g++ -O2 -std=c++17 -mavx2 -fopenmp read_bandwidth.cpp -o "$out/read_bandwidth"
"$out/read_bandwidth"
rm -rf "$out"
