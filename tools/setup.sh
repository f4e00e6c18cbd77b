#!/usr/bin/env bash
# Prepare everything ember needs on a Debian 12 machine, then build the ONE development tree, build/.
# Idempotent and fast when everything is present: installs only what is missing.
#   1. apt packages (dpkg-query first; apt-get update only when something is missing)
#      (python3-dev too: Python.h for the pybind11 module when python3 is Debian's)
#   2. .venv with requirements-dev.txt (re-installed only when that file's hash changes)
#   3. conan install with the committed offline profile ([platform_requires], no remote)
#   4. editable build: pip install -e . -Cbuild-dir=build (scikit-build-core, Ninja, ccache,
#      EMBER_BUILD_TESTS=ON so ctest's tests live in the same tree)
# Environment knobs: EMBER_SKIP_APT=1, EMBER_SKIP_BUILD=1, CCACHE_DIR (default ~/.cache/ccache).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[setup] %s\n' "$*"; }
t0=$SECONDS

# ---------------------------------------------------------------- 1. system packages
APT_PACKAGES=(g++ cmake catch2 libopenblas-dev libdnnl-dev libsleef-dev nlohmann-json3-dev libdlpack-dev
              ninja-build ccache python3-venv python3-dev)
if [[ "${EMBER_SKIP_APT:-0}" != 1 ]]; then
    missing=()
    for p in "${APT_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || missing+=("$p")
    done
    if ((${#missing[@]})); then
        SUDO=()
        if [[ "$(id -u)" != 0 ]]; then
            command -v sudo >/dev/null || { echo "[setup] need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
            SUDO=(sudo)
        fi
        log "apt: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        "${SUDO[@]}" apt-get update -qq
        "${SUDO[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
    fi
fi

# ---------------------------------------------------------------- 2. python venv
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
if [[ ! -x "$PY" ]]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
fi
REQ="$ROOT/requirements-dev.txt"
STAMP="$VENV/.requirements-dev.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$want" != "$have" ]]; then
    log "pip: installing requirements-dev.txt into .venv"
    "$PY" -m pip install -q --disable-pip-version-check -r "$REQ"
    echo "$want" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"

# ---------------------------------------------------------------- 3. conan (offline)
CONAN="$VENV/bin/conan"
PROFILE="$ROOT/conan/profiles/linux-x86_64-offline"
# Every dependency is a [platform_requires]: no remote may be contacted, so ConanCenter must be off.
if "$CONAN" remote list 2>/dev/null | grep -q '^conancenter:.*Enabled: True'; then
    "$CONAN" remote disable conancenter >/dev/null
fi
"$CONAN" install "$ROOT" -pr:a "$PROFILE" --build=missing -of "$ROOT/build/conan" -vquiet
# conan writes CMakeUserPresets.json next to CMakeLists.txt (gitignored).

# ---------------------------------------------------------------- 4. development build
if [[ "${EMBER_SKIP_BUILD:-0}" == 1 ]]; then
    log "EMBER_SKIP_BUILD=1: not building"
elif [[ ! -f "$ROOT/CMakeLists.txt" ]]; then
    log "no CMakeLists.txt yet: nothing to build"
else
    export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
    # CMake (>=3.17) reads these environment variables when it first configures a tree.
    if command -v ccache >/dev/null; then
        export CMAKE_C_COMPILER_LAUNCHER="${CMAKE_C_COMPILER_LAUNCHER:-ccache}"
        export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
        export CMAKE_CUDA_COMPILER_LAUNCHER="${CMAKE_CUDA_COMPILER_LAUNCHER:-ccache}"
    fi
    log "building build/ (editable install, EMBER_BUILD_TESTS=ON)"
    "$PY" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps \
        -e "$ROOT" \
        -Cbuild-dir=build \
        -Ccmake.define.EMBER_BUILD_TESTS=ON \
        -Ccmake.define.CMAKE_EXPORT_COMPILE_COMMANDS=ON
fi

log "ready ($((SECONDS - t0)) s)"
