#!/usr/bin/env bash
# Usage: bash tools/run.sh demo|test
#   demo: python tour (examples_py/tour.py), then the C++ tour binary from build/
#   test: ctest on build/, then pytest on tests_py/ (no tests collected counts as failure)
# Both run tools/setup.sh first (idempotent; fast when everything is present).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"

usage() { echo "usage: bash tools/run.sh demo|test" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
cmd="$1"; shift
case "$cmd" in demo|test) ;; *) usage ;; esac

bash "$ROOT/tools/setup.sh"

case "$cmd" in
demo)
    echo "== python: examples_py/tour.py"
    "$PY" examples_py/tour.py
    tour="$ROOT/build/examples_cpp/tour"
    if [[ ! -x "$tour" ]]; then
        # Fall back to wherever the CMake project put it inside the one build tree.
        tour="$(find "$ROOT/build" -path "$ROOT/build/conan" -prune -o -type f -name tour -perm -u+x -print | head -n1)"
    fi
    [[ -n "$tour" && -x "$tour" ]] || { echo "C++ tour binary not found under build/" >&2; exit 1; }
    echo "== C++: ${tour#"$ROOT"/}"
    "$tour"
    ;;
test)
    rc=0
    echo "== ctest (build/)"
    ctest --test-dir build --output-on-failure --no-tests=error -j2 "$@" || rc=1
    echo "== pytest (tests_py/)"
    prc=0
    "$PY" -m pytest tests_py -q || prc=$?
    if ((prc == 5)); then
        echo "pytest collected no tests: failing (CI must run tests)" >&2
    fi
    ((prc == 0)) || rc=1
    exit "$rc"
    ;;
esac
