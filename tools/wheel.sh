#!/usr/bin/env bash
# Usage: bash tools/wheel.sh [OUT_DIR]      (default OUT_DIR: dist/)
# The self-contained wheel (docs/packaging.md), built and proven without a second cold build:
#   1. `pip wheel .` on the development tree build/ (scikit-build-core reuses it; ccache does the rest),
#   2. `auditwheel repair`: copies every library the wheel's .so files need that is not part of the
#      manylinux baseline (oneDNN, OpenBLAS and its gfortran/quadmath, SLEEF, libgomp) into ember.libs/
#      and points the RPATHs there (patchelf), giving a manylinux wheel,
#   3. proves it: installs the wheel into a fresh venv and runs ops, autograd and matmul in a mount
#      namespace where the system's copies of those libraries are replaced by empty files, so that the
#      loader can only use the bundled ones (ldd of each .so is checked too).
# auditwheel and patchelf come from PyPI (pip installs them into .venv when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
OUT="$(realpath -m "${1:-$ROOT/dist}")"
log() { printf '[wheel] %s\n' "$*"; }

"$PY" -m pip show -q auditwheel patchelf >/dev/null 2>&1 ||
    "$PY" -m pip install -q --disable-pip-version-check auditwheel patchelf
export PATH="$ROOT/.venv/bin:$PATH"  # auditwheel calls patchelf

rm -rf "$OUT/raw" "$OUT/check-venv"
mkdir -p "$OUT/raw"
log "pip wheel (reusing build/)"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
"$PY" -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps -w "$OUT/raw" "$ROOT" \
    -Cbuild-dir=build -Ccmake.define.EMBER_BUILD_TESTS=ON -Ccmake.define.CMAKE_EXPORT_COMPILE_COMMANDS=ON
raw="$(ls "$OUT"/raw/ember-*.whl)"
log "auditwheel show: $(auditwheel show "$raw" | tr '\n' ' ' | cut -c1-300)"
log "auditwheel repair"
auditwheel repair -w "$OUT" "$raw"
wheel="$(ls -t "$OUT"/ember-*manylinux*.whl | head -n1)"
log "repaired: $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"

log "fresh venv: $OUT/check-venv"
python3 -m venv "$OUT/check-venv"
VPY="$OUT/check-venv/bin/python"
"$VPY" -m pip install -q --disable-pip-version-check numpy
"$VPY" -m pip install -q --disable-pip-version-check --no-deps "$wheel"
site="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"

# The system libraries the unrepaired libraries load (all but the manylinux baseline: libc, libm,
# libstdc++, libgcc_s, ld-linux, ...), as real paths: these are hidden below.
hide=()
for so in "$ROOT"/build/libember_runtime.so "$ROOT"/build/libember.so "$ROOT"/build/_C*.so; do
    while read -r name _ path _; do
        case "$name" in libc.so*|libm.so*|libstdc++*|libgcc_s*|ld-linux*|libpthread*|libdl.so*|librt.so*|linux-vdso*|libember*) continue ;; esac
        [[ -n "$path" && -f "$path" ]] && hide+=("$(realpath "$path")")
    done < <(ldd "$so" | awk '$2 == "=>" {print $1, $2, $3, $4}')
done
mapfile -t hide < <(printf '%s\n' "${hide[@]}" | sort -u)
log "hiding from the loader: ${hide[*]}"

cat > "$OUT/check.py" <<'PYEOF'
import glob, os, subprocess, sys
import ember
root = os.path.dirname(ember.__file__)
libs = glob.glob(os.path.join(root, "_C*.so")) + glob.glob(os.path.join(root, "lib", "*.so*"))
for so in libs:  # every dependency resolves, and none to a hidden system copy
    out = subprocess.run(["ldd", so], capture_output=True, text=True).stdout
    assert "not found" not in out, out
    for path in sys.argv[1:]:
        assert path not in out, f"{so} loads {path}:\n{out}"
x = ember.ones(3, dtype=ember.float64, requires_grad=True)
(x * x * 3).sum().backward()
assert x.grad.tolist() == [6.0, 6.0, 6.0]
a = ember.randn(128, 64)
assert ember.allclose(a @ ember.eye(64), a, atol=1e-5)          # oneDNN (float32 GEMM)
b = ember.randn(32, 16, dtype=ember.float64)
assert ember.allclose(b @ ember.eye(16, dtype=ember.float64), b)  # OpenBLAS (float64 GEMM)
print("wheel OK:", ember.__file__)
PYEOF
script='set -e; for f in "$@"; do mount --bind /dev/null "$f"; done; '"'$VPY'"' '"'$OUT/check.py'"' "$@"'
if unshare -m true 2>/dev/null; then
    log "import in a mount namespace with those libraries hidden"
    unshare -m bash -c "$script" bash "${hide[@]}"
else
    log "unshare -m is not permitted here: checking without hiding (ldd must not reach the system copies)"
    "$VPY" "$OUT/check.py" "${hide[@]}"
fi
log "done: $wheel"
