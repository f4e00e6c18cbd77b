"""Writes tests_py/data/pytorch_schemas.txt: PyTorch's schemas for the op names ember's schema has (and their
in-place names), the reference that tests_py/test_op_names.py checks ember's qualified names against.
Run where torch is installed (never a test dependency): `python tools/pytorch_schemas.py`."""
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "codegen"))
import schema  # noqa: E402


def main() -> None:
    names = set()
    for op in schema.load(ROOT / "src" / "ops"):
        names |= {op.name, op.name + "_"}
    out = sorted(str(s) for s in torch._C._jit_get_all_schemas()
                 if str(s.name).startswith("aten::") and str(s.name)[6:] in names)
    header = ("# PyTorch 2.13's schemas (torch._C._jit_get_all_schemas()) for the op names ember has (and their in-place\n"
              "# names), one per line: the reference for tests_py/test_op_names.py. Regenerate with\n"
              "# tools/pytorch_schemas.py where torch is installed.\n")
    (ROOT / "tests_py" / "data" / "pytorch_schemas.txt").write_text(header + "\n".join(out) + "\n")
    print(f"{len(out)} schemas (torch {torch.__version__})")


if __name__ == "__main__":
    main()
