"""Emits the Python bindings (CPython vectorcall functions compiled into the pybind11 module _C, see
docs/bindings.md) and the _C.pyi stubs."""
from __future__ import annotations

from gen_cpp import call_args, cpp_default, method_args, method_call_args
from schema import FACTORY_GROUP, HEADER, NAMESPACE, PY_OPERATORS, PY_TYPE, RICHCOMPARE_OPS, UNARY_SLOTS, Op

# Parser type tags (bindings/arg_parser.h) and the converter for each schema type.
_CONV = {
    "Tensor": "tensor_of({o})", "Tensor?": "opt_tensor({o})", "Tensor[]": "tensor_list({o})",
    "Scalar": "to_scalar({o})", "Scalar?": "opt_scalar({o})", "int": "to_int({o})", "int?": "opt_int({o})",
    "int[]": "to_intlist({o})", "int[]?": "opt_intlist({o})", "float": "to_double({o})",
    "float?": "opt_double({o})", "bool": "to_bool({o})", "str": "to_string({o})", "str?": "opt_string({o})",
    "ScalarType": "to_dtype({o})", "ScalarType?": "opt_dtype({o})", "Device": "to_device({o})",
    "Device?": "opt_device({o})", "Generator?": "opt_generator({o})",
}
NUM_FILES = 4


def py_sig(op: Op, method: bool, name: str | None = None, out: bool = True) -> str:
    parts, kw = [], False
    args = method_args(op) if method else op.args
    for a in args:
        if a.kwarg_only and not kw:
            parts.append("*")
            kw = True
        t = "TensorOrScalar" if a.name in op.scalar_args else a.schema_type
        if op.varargs and a.type == "Tensor[]" and not a.kwarg_only:
            t = "Tensor..."
        pname = "input" if (a.name == "self" and not method) else a.name
        parts.append(f"{t} {pname}" + (f"={a.default}" if a.default is not None else ""))
    if out and op.out and not method:
        if not kw:
            parts.append("*")
        parts.append("Tensor? out=None")
    return f"{name or op.pyname}({', '.join(parts)})"


def _conv_lines(op: Op, method: bool) -> list[str]:
    L = []
    args = method_args(op) if method else op.args
    for i, a in enumerate(args):
        if op.has_factory_options and a.name in FACTORY_GROUP:
            continue
        o = f"pa[{i}]"
        conv = ("tensor_or_scalar({o})" if a.name in op.scalar_args else _CONV[a.type]).format(o=o)
        d = cpp_default(a)
        if a.type == "int[]?":
            L.append(f"  auto {a.name}_v = opt_intlist({o}{', ' + str(a.size) if a.size else ''});")
            L.append(f"  std::optional<IntArrayRef> {a.name};")
            L.append(f"  if ({a.name}_v) {a.name} = IntArrayRef(*{a.name}_v);")
            continue
        if a.type == "int[]":
            if a.default is not None:
                dv = a.default[1:-1] if a.default.startswith("[") else ", ".join([a.default] * (a.size or 1))
                L.append(f"  DimVector {a.name}_v = {o} ? to_intlist({o}{', ' + str(a.size) if a.size else ''})"
                         f" : DimVector({{{dv}}});")
            else:
                L.append(f"  DimVector {a.name}_v = to_intlist({o}{', ' + str(a.size) if a.size else ''});")
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
                 ", ".join(f"pa[{[x.name for x in args].index(n)}]" for n in FACTORY_GROUP) + ");")
    return L


def _wrap_result(op: Op) -> list[str]:
    if not op.returns:
        return ["  Py_RETURN_NONE;"]
    if len(op.returns) == 1:
        return [f"  return {_WRAP[op.returns[0].type]};"]
    if op.return_names and all(r.type == "Tensor" for r in op.returns):
        return [f"  return wrap_named(return_type_{op.id}(), r);"]
    if all(r.type == "Tensor" for r in op.returns):
        return ["  return wrap_tuple(r);"]
    return ["  return wrap_values(r);"]


# Python object of a C++ result r, by return type.
_WRAP = {"Tensor": "wrap(std::move(r))", "Tensor[]": "wrap_list(r)", "bool": "PyBool_FromLong(r ? 1 : 0)",
         "int": "PyLong_FromLongLong(r)", "float": "PyFloat_FromDouble(r)", "int[]": "wrap_value(r)",
         "float[]": "wrap_value(r)", "Scalar": "wrap_value(r)"}


def _entry_names(op: Op) -> tuple[str, str, str]:
    """Qualified names of an op's functional, in-place and out= entries (docs/op_names.md)."""
    return (op.qualified_name, f"{NAMESPACE}::{op.name}_.{op.inplace_overload()}", f"{NAMESPACE}::{op.name}.{op.out_overload}")


def _case(op: Op, form: str, nparams: int) -> list[str]:
    """Code after the parser filled pa[]: convert, call, wrap. form: function, method or inplace."""
    method = form != "function"
    qual, qual_i, qual_o = _entry_names(op)
    L = []
    if method:
        L.append("  const Tensor& self = tensor_of(self_);")
    has_out = op.out and form == "function"
    if has_out:
        L.append(f"  if (t_resolve_only) return report_overload(pa[{nparams - 1}] && pa[{nparams - 1}] != Py_None ? "
                 f'"{qual_o}" : "{qual}");')
    else:
        L.append(f'  if (t_resolve_only) return report_overload("{qual_i if form == "inplace" else qual}");')
    L += _conv_lines(op, method)
    names = call_args(op)
    work = _work(op)
    if form == "inplace":
        return L + [f"  {{ MaybeNoGil nogil({work}); self.{op.name}_({', '.join(names[1:])}); }}",
                    "  Py_INCREF(self_);", "  return self_;"]
    if has_out:
        L += [f"  if (pa[{nparams - 1}] && pa[{nparams - 1}] != Py_None) {{",
              f"    Tensor out = tensor_of(pa[{nparams - 1}]);",
              f"    {{ MaybeNoGil nogil({work}); ember::{op.name}_out(out, {', '.join(names)}); }}",
              f"    Py_INCREF(pa[{nparams - 1}]);",
              f"    return pa[{nparams - 1}];",
              "  }"]
    call = (f"self.{op.name}({', '.join(method_call_args(op))})" if method
            else f"ember::{op.name}({', '.join(names)})")
    if op.returns:
        L.append(f"  auto r = [&] {{ MaybeNoGil nogil({work}); return {call}; }}();")
    else:
        L.append(f"  {{ MaybeNoGil nogil({work}); {call}; }}")
    if op.returns_self:
        src = "self_" if method else "pa[0]"
        L.append(f"  (void)r;\n  Py_INCREF({src});\n  return {src};")
    else:
        L += _wrap_result(op)
    return L


def _work(op: Op) -> str:
    """The work estimate that decides whether a call runs without the GIL (Note [GIL release])."""
    tensors = [f"&{a.name}" for a in op.args if a.type == "Tensor"]
    parts = [f"MaybeNoGil::work({{{', '.join(tensors)}}})"] if tensors else []
    parts += [f"MaybeNoGil::work({a.name})" for a in op.args if a.type == "Tensor[]"]
    parts += [f"MaybeNoGil::work({a.name})" for a in op.args if a.type == "int[]" and a.name == "size"]
    return " + ".join(parts) or "0"


def _nparams(op: Op, form: str) -> int:
    if form == "function":
        return len(op.args) + (1 if op.out else 0)
    return len(op.args) - 1


def _c_str(s: str) -> str:
    """s escaped for a C++ string literal (string defaults such as padding="valid" carry quotes)."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _sig(op: Op, form: str, pyname: str) -> str:
    if form == "inplace":
        return py_sig(op, True, name=pyname)
    return py_sig(op, form == "method", name=pyname)


def _binding(fname: str, pyname: str, entries: list[tuple[Op, str]]) -> list[str]:
    """One vectorcall function for a Python name: a single ArgParser, or an OverloadSet trying each
    overload's parser in schema order."""
    maxp = max(max(_nparams(op, form) for op, form in entries), 1)
    L = [f"static PyObject* {fname}(PyObject* self_, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {{",
         "  EMBER_PY_TRY", f"  PyObject* pa[{maxp}];"]
    if len(entries) == 1:
        op, form = entries[0]
        L += [f'  static const ArgParser parser("{_c_str(_sig(op, form, pyname))}");',
              "  parser.parse(args, nargs, kwnames, pa);"]
        L += _case(op, form, _nparams(op, form))
    else:
        L.append("  static const ArgParser parsers[] = {")
        L += [f'      ArgParser("{_c_str(_sig(op, form, pyname))}"),' for op, form in entries]
        L += ["  };", f'  static const OverloadSet overloads("{pyname}", parsers, {len(entries)});',
              "  switch (overloads.parse(args, nargs, kwnames, pa)) {"]
        for k, (op, form) in enumerate(entries):
            L.append(f"  case {k}: {{")
            L += ["  " + x for x in _case(op, form, _nparams(op, form))]
            L.append("  }")
        L += ["  }", "  Py_RETURN_NONE;"]
    L += ["  EMBER_PY_CATCH", "}"]
    return L


def _return_type(op: Op) -> list[str]:
    """ember.return_types.<op>: a named tuple (struct sequence) for ops with named returns, as PyTorch's
    torch.return_types (sort(...).values / .indices)."""
    fields = ", ".join(f'{{"{n}", nullptr}}' for n in op.return_names)
    n = len(op.return_names)
    return [f"static PyTypeObject* return_type_{op.id}() {{",
            f"  static PyStructSequence_Field fields[] = {{{fields}, {{nullptr, nullptr}}}};",
            f'  static PyStructSequence_Desc desc = {{"ember.return_types.{op.pyname}", nullptr, fields, {n}}};',
            "  static PyTypeObject* type = PyStructSequence_NewType(&desc);",
            "  if (!type) throw PythonError{};",
            "  return type;", "}",
            ]


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
              "  const Tensor& self = tensor_of(a);",
              "  Tensor other = tensor_or_scalar(b);",
              f"  {{ MaybeNoGil nogil(MaybeNoGil::work({{&self, &other}})); self.{op.name}_(other); }}",
              "  Py_INCREF(a);", "  return a;"]
    else:
        run = (f"[](const Tensor& x, const Tensor& y) {{ MaybeNoGil nogil(MaybeNoGil::work({{&x, &y}})); "
               f"return ember::{op.name}(x, y); }}")
        L += [f"  auto run = {run};",
              f"  if (is_tensor(a)) {{ if (!{ok}(b)) Py_RETURN_NOTIMPLEMENTED;",
              "    return wrap(run(tensor_of(a), tensor_or_scalar(b))); }",
              f"  if (!{ok}(a)) Py_RETURN_NOTIMPLEMENTED;",
              "  return wrap(run(tensor_or_scalar(a), tensor_of(b)));"]
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


def _groups(ops: list[Op]):
    """Python functions and methods, each with its overloads in schema order: (py name, [(op, form)])."""
    fns, meths = {}, {}
    for op in ops:
        if "function" in op.variants:
            fns.setdefault(op.pyname, []).append((op, "function"))
        if "method" in op.variants:
            meths.setdefault(op.pyname, []).append((op, "method"))
            if op.inplace:
                meths.setdefault(op.name + "_", []).append((op, "inplace"))
    return fns, meths


def binding_files(ops: list[Op]) -> dict[str, str]:
    files = {}
    fns, meths = _groups(ops)
    order = {op.qualified_name: i for i, op in enumerate(ops)}
    for k in range(NUM_FILES):
        L = [HEADER, '#include "arg_parser.h"', '#include "ember/gen/functions.h"', "", "namespace ember::py {",
             "namespace {", ""]
        fn_defs, meth_defs, slots = [], [], []
        seen_slots = set()
        mine = [op for i, op in enumerate(ops) if i % NUM_FILES == k]
        emitted = set()

        def return_types(entries):
            out = []
            for op, _ in entries:
                if op.return_names and all(r.type == "Tensor" for r in op.returns) and op.id not in emitted:
                    emitted.add(op.id)
                    out += _return_type(op)
            return out
        # A Python name lives in the file of its first overload.
        for pyname, entries in fns.items():
            if order[entries[0][0].qualified_name] % NUM_FILES != k:
                continue
            L += return_types(entries)
            L += _binding(f"fn_{pyname}", pyname, entries)
            fn_defs.append((pyname, f"fn_{pyname}", entries[0][0].doc))
        for pyname, entries in meths.items():
            if order[entries[0][0].qualified_name] % NUM_FILES != k:
                continue
            L += return_types(entries)
            L += _binding(f"meth_{pyname}", pyname, entries)
            doc = entries[0][0].doc if entries[0][1] != "inplace" else f"In-place version of {entries[0][0].name}."
            meth_defs.append((pyname, f"meth_{pyname}", doc))
        for op in mine:
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
        for op in ops:
            if op.id in emitted:
                L.append(f'  r.return_types.push_back({{"{op.pyname}", &return_type_{op.id}}});')
        for name, fn, doc in fn_defs:
            doc = doc.replace('"', '\\"')
            L.append(f'  r.functions.push_back({{"{name}", (PyCFunction)(void (*)()){fn}, METH_FASTCALL | METH_KEYWORDS, "{doc}"}});')
        for name, fn, doc in meth_defs:
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
    for a in method_args(op) if method else op.args:
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


_PYI_RET = {"Tensor": "Tensor", "Tensor[]": "tuple[Tensor, ...]", "bool": "bool", "int": "int", "float": "float",
            "int[]": "list[int]", "float[]": "list[float]", "Scalar": "Number"}


def _pyi_ret(op: Op) -> str:
    if not op.returns:
        return "None"
    if len(op.returns) > 1:
        return "tuple[" + ", ".join(_PYI_RET[r.type] for r in op.returns) + "]"
    return _PYI_RET[op.returns[0].type]


def pyi(ops: list[Op]) -> str:
    L = ["# Generated by tools/codegen from src/ops/*.yaml. Do not edit.",
         "from typing import Optional, Sequence, Union, overload", "from numbers import Number", "",
         "class dtype: ...", "class device: ...", "", "class Tensor:"]
    fns, meths = _groups(ops)
    for name, entries in meths.items():
        for op, form in entries:
            if len(entries) > 1:
                L.append("    @overload")
            ret = "Tensor" if form == "inplace" else _pyi_ret(op)
            L.append(f"    def {name}({_pyi_params(op, True)}) -> {ret}:")
            L.append(f'        """{op.doc}"""')
    L.append("")
    for name, entries in fns.items():
        for op, _ in entries:
            if len(entries) > 1:
                L.append("@overload")
            L.append(f"def {name}({_pyi_params(op, False)}) -> {_pyi_ret(op)}:")
            L.append(f'    """{op.doc}"""')
    return "\n".join(L) + "\n"
