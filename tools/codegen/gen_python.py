"""Emits the Python bindings (CPython vectorcall functions compiled into the pybind11 module _C, see
docs/bindings.md) and the _C.pyi stubs."""
from __future__ import annotations

from gen_cpp import HEADER, call_args, cpp_default
from schema import FACTORY_GROUP, PY_OPERATORS, PY_TYPE, RICHCOMPARE_OPS, UNARY_SLOTS, Op

# Parser type tags (bindings/arg_parser.h) and the converter for each schema type.
_CONV = {
    "Tensor": "tensor_of({o})", "Tensor?": "opt_tensor({o})", "Tensor[]": "tensor_list({o})",
    "Scalar": "to_scalar({o})", "Scalar?": "opt_scalar({o})", "int": "to_int({o})", "int?": "opt_int({o})",
    "int[]": "to_intlist({o})", "int[]?": "opt_intlist({o})", "float": "to_double({o})",
    "float?": "opt_double({o})", "bool": "to_bool({o})", "str": "to_string({o})",
    "ScalarType": "to_dtype({o})", "ScalarType?": "opt_dtype({o})", "Device": "to_device({o})",
    "Device?": "opt_device({o})", "Generator?": "opt_generator({o})",
}
NUM_FILES = 4


def py_sig(op: Op, method: bool) -> str:
    parts, kw = [], False
    args = op.args[1:] if method else op.args
    for a in args:
        if a.kwarg_only and not kw:
            parts.append("*")
            kw = True
        t = "TensorOrScalar" if a.name in op.scalar_args else a.type
        name = "input" if (a.name == "self" and not method) else a.name
        parts.append(f"{t} {name}" + (f"={a.default}" if a.default is not None else ""))
    if op.out and not method:
        if not kw:
            parts.append("*")
        parts.append("Tensor? out=None")
    return f"{op.pyname}({', '.join(parts)})"


def _conv_lines(op: Op, method: bool) -> list[str]:
    L = []
    args = op.args[1:] if method else op.args
    for i, a in enumerate(args):
        if op.has_factory_options and a.name in FACTORY_GROUP:
            continue
        o = f"p[{i}]"
        conv = ("tensor_or_scalar({o})" if a.name in op.scalar_args else _CONV[a.type]).format(o=o)
        d = cpp_default(a)
        if a.type == "int[]?":
            L.append(f"  auto {a.name}_v = opt_intlist({o});")
            L.append(f"  std::optional<IntArrayRef> {a.name};")
            L.append(f"  if ({a.name}_v) {a.name} = IntArrayRef(*{a.name}_v);")
            continue
        if a.type == "int[]":
            L.append(f"  DimVector {a.name}_v = to_intlist({o});")
            L.append(f"  IntArrayRef {a.name} = {a.name}_v;")
            continue
        if d is None:
            L.append(f"  auto {a.name} = {conv};")
        elif d == "std::nullopt":
            L.append(f"  auto {a.name} = {conv};")  # opt_* converters map a missing arg / None to nullopt
        else:
            typ = {"Scalar": "Scalar", "int": "int64_t", "float": "double", "bool": "bool",
                   "str": "std::string", "float?": "std::optional<double>", "Scalar?": "std::optional<Scalar>",
                   "int?": "std::optional<int64_t>"}.get(a.type, "auto")
            L.append(f"  {typ} {a.name} = {o} ? {typ}({conv}) : {typ}({d});")
    if op.has_factory_options:
        L.append("  TensorOptions options = factory_options(" +
                 ", ".join(f"p[{[x.name for x in args].index(n)}]" for n in FACTORY_GROUP) + ");")
    return L


def _binding(op: Op, method: bool) -> list[str]:
    fname = f"{'meth' if method else 'fn'}_{op.pyname}"
    nparams = len(op.args) - (1 if method else 0) + (1 if (op.out and not method) else 0)
    L = [f"static PyObject* {fname}(PyObject* self_, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {{",
         "  EMBER_PY_TRY",
         f'  static const ArgParser parser("{py_sig(op, method)}");',
         f"  PyObject* p[{max(nparams, 1)}];",
         "  parser.parse(args, nargs, kwnames, p);"]
    if method:
        L.append(f"  const Tensor& {op.args[0].name} = tensor_of(self_);")
    L += _conv_lines(op, method)
    names = call_args(op)
    if op.out and not method:
        L.append(f"  if (p[{nparams - 1}] && p[{nparams - 1}] != Py_None) {{")
        L.append(f"    Tensor out = tensor_of(p[{nparams - 1}]);")
        L.append(f"    ember::{op.name}_out(out, {', '.join(names)});")
        L.append(f"    Py_INCREF(p[{nparams - 1}]);")
        L.append(f"    return p[{nparams - 1}];")
        L.append("  }")
    if method:
        L.append(f"  auto r = {op.args[0].name}.{op.name}({', '.join(names[1:])});")
    else:
        L.append(f"  auto r = ember::{op.name}({', '.join(names)});")
    if op.returns_self:
        src = "self_" if method else "p[0]"
        L.append(f"  (void)r;\n  Py_INCREF({src});\n  return {src};")
    elif op.returns_bool:
        L.append("  return PyBool_FromLong(r ? 1 : 0);")
    elif len(op.returns) == 1:
        L.append("  return wrap(std::move(r));")
    else:
        L.append("  return wrap_tuple(r);")
    L += ["  EMBER_PY_CATCH", "}"]
    if method and op.inplace:
        L += [f"static PyObject* meth_{op.name}_(PyObject* self_, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {{",
              "  EMBER_PY_TRY",
              f'  static const ArgParser parser("{py_sig(op, True).replace(op.pyname + "(", op.name + "_(", 1)}");',
              f"  PyObject* p[{max(len(op.args) - 1, 1)}];",
              "  parser.parse(args, nargs, kwnames, p);",
              f"  const Tensor& {op.args[0].name} = tensor_of(self_);"]
        L += _conv_lines(op, True)
        L += [f"  {op.args[0].name}.{op.name}_({', '.join(names[1:])});",
              "  Py_INCREF(self_);", "  return self_;", "  EMBER_PY_CATCH", "}"]
    return L


def _slot(op: Op, dunder: str) -> list[str]:
    slot = PY_OPERATORS[dunder]
    fn = f"slot_{dunder.strip('_')}"
    numbers = bool(op.scalar_args)
    ok = "is_tensor_or_number" if numbers else "is_tensor"
    if slot in UNARY_SLOTS:
        return [f"static PyObject* {fn}(PyObject* a) {{", "  EMBER_PY_TRY",
                f"  return wrap(ember::{op.name}(tensor_of(a)));", "  EMBER_PY_CATCH", "}"]
    ternary = slot in ("nb_power", "nb_inplace_power")
    sig = "PyObject* a, PyObject* b" + (", PyObject* mod" if ternary else "")
    L = [f"static PyObject* {fn}({sig}) {{", "  EMBER_PY_TRY"]
    if ternary:
        L.append('  if (mod != Py_None) { PyErr_SetString(PyExc_TypeError, "pow() 3rd argument not supported for tensors"); return nullptr; }')
    if slot.startswith("nb_inplace"):
        L += [f"  if (!{ok}(b)) Py_RETURN_NOTIMPLEMENTED;",
              f"  tensor_of(a).{op.name}_(tensor_or_scalar(b));", "  Py_INCREF(a);", "  return a;"]
    else:
        L += [f"  if (is_tensor(a)) {{ if (!{ok}(b)) Py_RETURN_NOTIMPLEMENTED;",
              f"    return wrap(ember::{op.name}(tensor_of(a), tensor_or_scalar(b))); }}",
              f"  if (!{ok}(a)) Py_RETURN_NOTIMPLEMENTED;",
              f"  return wrap(ember::{op.name}(tensor_or_scalar(a), tensor_of(b)));"]
    L += ["  EMBER_PY_CATCH", "}"]
    return L


def _richcompare(ops: list[Op]) -> list[str]:
    """One tp_richcompare slot for every op naming __eq__ / __ne__ / __lt__ / ...: a non-tensor,
    non-number other gives NotImplemented (so Python falls back to identity for == / !=)."""
    cases = []
    for op in ops:
        for d in op.py_operators:
            if d in RICHCOMPARE_OPS:
                cases.append((RICHCOMPARE_OPS[d], op))
    if not cases:
        return []
    L = ["static PyObject* slot_richcompare(PyObject* a, PyObject* b, int cmp) {", "  EMBER_PY_TRY",
         "  if (!is_tensor(a) || !is_tensor_or_number(b)) Py_RETURN_NOTIMPLEMENTED;",
         "  switch (cmp) {"]
    for code, op in cases:
        L.append(f"    case {code}: return wrap(ember::{op.name}(tensor_of(a), tensor_or_scalar(b)));")
    L += ["    default: Py_RETURN_NOTIMPLEMENTED;", "  }", "  EMBER_PY_CATCH", "}"]
    return L


def binding_files(ops: list[Op]) -> dict[str, str]:
    files = {}
    for k in range(NUM_FILES):
        chunk = [op for i, op in enumerate(ops) if i % NUM_FILES == k]
        L = [HEADER, '#include "arg_parser.h"', '#include "ember/gen/functions.h"', "", "namespace ember::py {",
             "namespace {", ""]
        fns, meths, slots = [], [], []
        seen_slots = set()
        for op in chunk:
            if "function" in op.variants:
                L += _binding(op, False)
                fns.append((op.pyname, f"fn_{op.pyname}", op.doc))
            if "method" in op.variants:
                L += _binding(op, True)
                meths.append((op.pyname, f"meth_{op.pyname}", op.doc))
                if op.inplace:
                    meths.append((op.name + "_", f"meth_{op.name}_", f"In-place version of {op.name}."))
            for d in op.py_operators:
                slot = PY_OPERATORS[d]
                if slot == "tp_richcompare" or slot in seen_slots:
                    continue
                seen_slots.add(slot)
                L += _slot(op, d)
                slots.append((slot, f"slot_{d.strip('_')}"))
        if k == 0:
            rc = _richcompare(ops)
            if rc:
                L += rc
                slots.append(("tp_richcompare", "slot_richcompare"))
        L += ["", "}  // namespace", "", f"void register_ops_{k}(Registrations& r) {{"]
        for name, fn, doc in fns:
            doc = doc.replace('"', '\\"')
            L.append(f'  r.functions.push_back({{"{name}", (PyCFunction)(void (*)()){fn}, METH_FASTCALL | METH_KEYWORDS, "{doc}"}});')
        for name, fn, doc in meths:
            doc = doc.replace('"', '\\"')
            L.append(f'  r.methods.push_back({{"{name}", (PyCFunction)(void (*)()){fn}, METH_FASTCALL | METH_KEYWORDS, "{doc}"}});')
        for slot, fn in slots:
            L.append(f"  r.slots.push_back({{Py_{slot}, (void*){fn}}});")
        L += ["}", "", "}  // namespace ember::py", ""]
        files[f"ops_{k}.cpp"] = "\n".join(L)
    L = [HEADER, "#pragma once", '#include "arg_parser.h"', "namespace ember::py {"]
    L += [f"void register_ops_{k}(Registrations& r);" for k in range(NUM_FILES)]
    L += ["inline void register_all_ops(Registrations& r) {"]
    L += [f"  register_ops_{k}(r);" for k in range(NUM_FILES)]
    L += ["}", "}  // namespace ember::py", ""]
    files["ops.h"] = "\n".join(L)
    return files


def _pyi_params(op: Op, method: bool) -> str:
    parts, kw = (["self"] if method else []), False
    for a in op.args[1:] if method else op.args:
        if a.kwarg_only and not kw:
            parts.append("*")
            kw = True
        t = "Union[Tensor, Number]" if a.name in op.scalar_args else PY_TYPE[a.type]
        name = "input" if (a.name == "self" and not method) else a.name
        parts.append(f"{name}: {t}" + (" = ..." if a.default is not None else ""))
    if op.out and not method:
        if not kw:
            parts.append("*")
        parts.append("out: Optional[Tensor] = ...")
    return ", ".join(parts)


def _pyi_ret(op: Op) -> str:
    if op.returns_bool:
        return "bool"
    if len(op.returns) > 1:
        return "tuple[" + ", ".join("Tensor" for _ in op.returns) + "]"
    return "Tensor"


def pyi(ops: list[Op]) -> str:
    L = ["# Generated by tools/codegen from src/ops/*.yaml. Do not edit.",
         "from typing import Optional, Sequence, Union", "from numbers import Number", "",
         "class dtype: ...", "class device: ...", "", "class Tensor:"]
    for op in ops:
        if "method" in op.variants:
            L.append(f"    def {op.pyname}({_pyi_params(op, True)}) -> {_pyi_ret(op)}:")
            L.append(f'        """{op.doc}"""')
            if op.inplace:
                L.append(f"    def {op.name}_({_pyi_params(op, True)}) -> Tensor: ...")
    L.append("")
    for op in ops:
        if "function" in op.variants:
            L.append(f"def {op.pyname}({_pyi_params(op, False)}) -> {_pyi_ret(op)}:")
            L.append(f'    """{op.doc}"""')
    return "\n".join(L) + "\n"
