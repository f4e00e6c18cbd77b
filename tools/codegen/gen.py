"""ember's op generator: reads src/ops/*.yaml, writes C++ API, op bodies, registry, Python bindings and
stubs into the build tree. Run by CMake; `python tools/codegen/gen.py --check` only validates."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import gen_autograd  # noqa: E402
import gen_cpp  # noqa: E402
import gen_python  # noqa: E402
import schema  # noqa: E402


def write_if_changed(path: Path, text: str) -> None:
    """Rewrites only on change so that ninja rebuilds only what depends on a real change."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--schema", type=Path, required=True, help="folder holding the *.yaml schema")
    ap.add_argument("--out", type=Path, help="output folder (build tree)")
    ap.add_argument("--check", action="store_true", help="validate the schema only")
    a = ap.parse_args()
    try:
        ops = schema.load(a.schema)
    except schema.SchemaError as e:
        print(f"schema error: {e}", file=sys.stderr)
        return 1
    if a.check or a.out is None:
        print(f"{len(ops)} ops OK")
        return 0
    inc = a.out / "include" / "ember" / "gen"
    write_if_changed(inc / "op_ids.h", gen_cpp.op_ids_h(ops))
    write_if_changed(inc / "functions.h", gen_cpp.functions_h(ops))
    write_if_changed(inc / "kernel_sigs.h", gen_cpp.kernel_sigs_h(ops))
    write_if_changed(inc / "tensor_methods.h", gen_cpp.tensor_methods_h(ops))
    write_if_changed(inc / "native.h", gen_cpp.native_h(ops))
    write_if_changed(a.out / "src" / "ops.cpp", gen_cpp.ops_cpp(ops))  # first: it collects the recording hooks
    params_of = lambda op: gen_cpp.params(op, defaults=False)  # noqa: E731
    write_if_changed(a.out / "src" / "record_hooks.h", gen_autograd.record_hooks_h(params_of))
    write_if_changed(a.out / "src" / "autograd_record.cpp", gen_autograd.autograd_record_cpp(params_of))
    write_if_changed(a.out / "src" / "registry.cpp", gen_cpp.registry_cpp(ops))
    write_if_changed(a.out / "src" / "autograd_nodes.h", gen_autograd.nodes_h(ops))
    write_if_changed(a.out / "src" / "autograd_nodes.cpp", gen_autograd.nodes_cpp(ops))
    for name, text in gen_python.binding_files(ops).items():
        write_if_changed(a.out / "bindings" / name, text)
    write_if_changed(a.out / "python" / "_C.pyi", gen_python.pyi(ops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
