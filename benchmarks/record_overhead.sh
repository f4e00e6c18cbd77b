#!/usr/bin/env bash
# S10f without Python (record_overhead.cpp), against the dev tree's build/libember.so (and libember_runtime.so).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
g++ -O2 -std=c++17 "$root/benchmarks/record_overhead.cpp" -I"$root/include" -I"$root/build/generated/include" \
  -L"$root/build" -Wl,--no-as-needed -lember -lember_runtime -Wl,-rpath,"$root/build" -o "$out/record_overhead"
"$out/record_overhead"
rm -rf "$out"
