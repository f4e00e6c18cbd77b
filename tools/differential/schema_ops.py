"""Reads the op schema (src/ops/*.yaml) into small records the harness can plan cases from.

Independent of tools/codegen on purpose: it tolerates names with an overload suffix
(`add.Tensor(...)`), and several entries with the same base name are merged into one Python-level
op (the Python API dispatches overloads by argument type, as PyTorch's does).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_SIG = re.compile(r"^([\w.]+)\((.*)\)\s*->\s*(.+)$")
_ARG = re.compile(r"^(Tensor|Scalar|int|float|bool|str|ScalarType|Device|Generator)(\((\w!?)\))?(\[\d*\])?(\?)?\s+(\w+)(=(.+))?$")


@dataclass
class Arg:
    name: str
    type: str          # e.g. "Tensor", "int[]?", "Scalar"
    default: str | None
    kwarg_only: bool
    alias: str | None  # "a" / "a!"


@dataclass
class OpEntry:
    name: str          # full schema name, maybe with ".overload"
    base: str          # name without the overload suffix
    pyname: str        # python_name from the schema, or base
    args: list[Arg]
    returns: str
    variants: list[str]
    scalar_args: list[str] = field(default_factory=list)
    py_operators: list[str] = field(default_factory=list)
    inplace: bool = False
    out: bool = False
    meta: str | None = None
    native: bool = False
    backward: dict = field(default_factory=dict)
    file: str = ""

    @property
    def tensor_args(self):
        return [a for a in self.args if a.type in ("Tensor", "Tensor?", "Tensor[]")]

    @property
    def differentiable(self) -> bool:
        return bool(self.backward)


def _parse_args(params: str):
    out, kwonly = [], False
    depth, cur, parts = 0, "", []
    for ch in params:  # split on top-level commas (defaults may hold [1, 2])
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    for p in parts:
        p = p.strip()
        if p == "*":
            kwonly = True
            continue
        m = _ARG.match(p)
        if not m:
            raise ValueError(f"cannot parse argument {p!r}")
        base, _, alias, lst, opt, name, _, default = m.groups()
        out.append(Arg(name, base + ("[]" if lst else "") + (opt or ""), default, kwonly, alias))
    return out


def load(schema_dir: Path) -> list[OpEntry]:
    ops = []
    for path in sorted(Path(schema_dir).glob("*.yaml")):
        for e in yaml.safe_load(path.read_text()) or []:
            m = _SIG.match(e["op"].strip())
            if not m:
                raise ValueError(f"{path.name}: cannot parse {e['op']!r}")
            name, params, rets = m.groups()
            base = name.split(".")[0]
            opers = e.get("operators") or {}
            ops.append(OpEntry(
                name=name, base=base, pyname=e.get("python_name") or base, args=_parse_args(params),
                returns=rets.strip(), variants=e.get("variants", ["function"]),
                scalar_args=e.get("scalar_args", []), py_operators=opers.get("python", []),
                inplace=bool(e.get("inplace")), out=bool(e.get("out")), meta=e.get("meta"),
                native=bool(e.get("native")), backward=e.get("backward") or {}, file=path.name))
    return ops


def by_base(ops: list[OpEntry]) -> dict[str, list[OpEntry]]:
    d: dict[str, list[OpEntry]] = {}
    for o in ops:
        d.setdefault(o.base, []).append(o)
    return d
