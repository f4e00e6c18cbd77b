#!/usr/bin/env bash
# S16 from C++ (jit_chain.cpp), against the dev tree's build/libember.so (and libember_runtime.so).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
g++ -O2 -std=c++17 "$root/benchmarks/jit_chain.cpp" -I"$root/include" -I"$root/build/generated/include" \
  -L"$root/build" -Wl,--no-as-needed -lember -lember_runtime -Wl,-rpath,"$root/build" -o "$out/jit_chain"
"$out/jit_chain"
rm -rf "$out"
