#!/usr/bin/env bash
# Usage: bash tools/run.sh demo|test|sanitize
#   demo: python tour (examples_py/tour.py), then the C++ tour binary from build/
#   test: ctest on build/, then pytest on tests_py/ (no tests collected counts as failure)
#   sanitize: the Catch2 tests built with AddressSanitizer + UndefinedBehaviorSanitizer in their own
#             tree build-asan/ (Debug, -O1; CI runs it after `test`)
# Both run tools/setup.sh first (idempotent; fast when everything is present).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"

usage() { echo "usage: bash tools/run.sh demo|test|sanitize" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
cmd="$1"; shift
case "$cmd" in demo|test|sanitize) ;; *) usage ;; esac

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
sanitize)
    ASAN_TREE="$ROOT/build-asan"
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    echo "== configure build-asan/"
    cmake -S "$ROOT" -B "$ASAN_TREE" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMBER_BUILD_PYTHON=OFF \
        -DEMBER_BUILD_TESTS=ON -DCMAKE_PREFIX_PATH="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
        -DCMAKE_CXX_FLAGS="$SAN -O1" -DCMAKE_EXE_LINKER_FLAGS="$SAN" -DCMAKE_SHARED_LINKER_FLAGS="$SAN" \
        "${launcher[@]}" >/dev/null
    echo "== build build-asan/ (ember_tests)"
    cmake --build "$ASAN_TREE" --target ember_tests
    echo "== ember_tests under ASan/UBSan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 "$ASAN_TREE/ember_tests" "$@"
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
