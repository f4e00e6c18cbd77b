#!/usr/bin/env bash
# Measures sgemm of the BLAS libraries available here, back to back (Foundation III's GEMM choice).
# Optional packages: apt-get install libblis-dev libdnnl-dev (OpenBLAS is ember's dependency).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
run() {  # name, compile flags...
  local name=$1; shift
  if g++ -O2 -std=c++17 gemm_libs.cpp -o "$out/$name" "$@" 2>/dev/null; then
    echo "== $name"; "$out/$name"
  else
    echo "== $name: not available"
  fi
}
run openblas -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas
run blis -I/usr/include/x86_64-linux-gnu/blis-openmp -lblis -fopenmp
run onednn -DUSE_DNNL -ldnnl
