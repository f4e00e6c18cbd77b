"""Emits the C++ side: op ids, functions, Tensor methods, operators, kernel signatures, op bodies and
the boxed op registry."""
from __future__ import annotations

import gen_autograd as ga
from schema import CPP_PARAM, FACTORY_GROUP, HEADER, META_ALL_ARGS, NAMESPACE, RETURN_TYPES, Arg, Op


def cpp_default(arg: Arg) -> str | None:
    d = arg.default
    if d is None:
        return None
    if d == "None":
        return "std::nullopt"
    if d in ("True", "False"):
        return d.lower()
    if d.startswith(("'", '"')):
        return '"' + d[1:-1] + '"'
    return d


def params(op: Op, *, defaults: bool, method: bool = False, override: dict | None = None,
           kernel: bool = False) -> list[str]:
    """C++ parameter list. The factory trio becomes one TensorOptions."""
    out = []
    args = method_args(op) if method else op.args
    for a in args:
        if op.has_factory_options and a.name in FACTORY_GROUP:
            if a.name == "dtype":
                out.append("const TensorOptions& options" if kernel else
                           "TensorOptions options" + (" = {}" if defaults else ""))
            continue
        typ = (override or {}).get(a.name, CPP_PARAM[a.type])
        s = f"{typ} {a.name}"
        d = cpp_default(a)
        if a.size is not None and d is not None and d != "std::nullopt" and not d.startswith("{"):
            d = "IntArrayRef({" + ", ".join([d] * a.size) + "})"  # int[2] k=3 -> {3, 3}
        if d is not None and d.startswith("[") and d.endswith("]"):
            d = "{" + d[1:-1] + "}"
        if defaults and d is not None and a.name not in op.cpp_no_default_args:
            s += f" = {d}"
        out.append(s)
    return out


def method_args(op: Op) -> list[Arg]:
    """A method's parameters: the op's arguments but `self` (usually the first; where.self has it second)."""
    return [a for a in op.args if a.name != "self"]


def method_call_args(op: Op, replace: dict | None = None) -> list[str]:
    """The C++ argument expressions of a method call self.op(...): call_args without self."""
    names = call_args(op, replace=replace)
    kept = [a for a in op.args if not (op.has_factory_options and a.name in FACTORY_GROUP and a.name != "dtype")]
    return [n for a, n in zip(kept, names) if a.name != "self"]


def call_args(op: Op, *, method: bool = False, replace: dict | None = None) -> list[str]:
    out = []
    for i, a in enumerate(op.args):
        if op.has_factory_options and a.name in FACTORY_GROUP:
            if a.name == "dtype":
                out.append("options")
            continue
        if method and a.name == "self":
            out.append("*this")
            continue
        out.append((replace or {}).get(a.name, a.name))
    return out


def ret_type(op: Op) -> str:
    if not op.returns:
        return "void"
    if op.returns_self:
        return "const Tensor&"
    if len(op.returns) == 1:
        return RETURN_TYPES[op.returns[0].type]
    return "std::tuple<" + ", ".join(RETURN_TYPES[r.type] for r in op.returns) + ">"


def fn_ret_type(op: Op) -> str:
    # Free functions return the tensor they modify by value: the argument is a const reference.
    return "Tensor" if op.returns_self else ret_type(op)


def _short_factory(op: Op) -> list[str] | None:
    """For factories with defaulted arguments before the options (arange's end and step, rand's
    generator): an overload taking only the required ones and the options, as libtorch has
    (`arange(4, kFloat64)`, `rand({2, 3}, kFloat64)`)."""
    if not op.has_factory_options:
        return None
    extra = [a for a in op.args if a.name not in FACTORY_GROUP and a.default is not None]
    if not extra:
        return None
    return [f"{CPP_PARAM[a.type]} {a.name}" for a in op.args
            if a.default is None and a.name not in FACTORY_GROUP] + ["TensorOptions options"]


def _method_scalar_args(op: Op) -> list[str]:
    """Scalar overloads a method can have: never for self, which is the tensor itself."""
    return [s for s in op.scalar_args if s != "self"]


def kernel_params(op: Op) -> list[str]:
    p = params(op, defaults=False, kernel=True)
    if op.returns_self or not op.returns:  # in place (-> Tensor(a!) or -> ()): no outputs
        return p
    if len(op.returns) > 1:  # one output tensor per return (max(dim): values, indices)
        return [f"const Tensor& out{i}" for i in range(len(op.returns))] + p
    return ["const Tensor& out"] + p


def op_ids_h(ops: list[Op]) -> str:
    lines = [HEADER, "#pragma once", "#include <cstdint>", "", "namespace ember {", "",
             "/// One id per schema op, in schema order.", "enum class OpId : int32_t {"]
    lines += [f"  {op.id},  // {op.qualified_name}" for op in ops]
    lines += ["};", f"constexpr int kNumOps = {len(ops)};", "", "}  // namespace ember", ""]
    return "\n".join(lines)


def functions_h(ops: list[Op]) -> str:
    L = [HEADER, "#pragma once", "#include <optional>", "#include <string>", "#include <tuple>", "",
         '#include "ember/core/generator.h"', '#include "ember/core/tensor.h"', '#include "ember/gen/kernel_sigs.h"',
         '#include "ember/gen/op_ids.h"', "", "namespace ember {", ""]
    L.append("/// A 0-d tensor holding s, marked as a wrapped number (promotes by category only).")
    L.append("EMBER_API Tensor scalar_to_tensor(const Scalar& s);")
    L.append("")
    for op in ops:
        if "function" not in op.variants:
            continue
        L.append(f"/// {op.doc}")
        L.append(f"EMBER_API {fn_ret_type(op)} {op.name}({', '.join(params(op, defaults=True))});")
        for s in op.scalar_args:
            L.append(f"EMBER_API {fn_ret_type(op)} {op.name}("
                     f"{', '.join(params(op, defaults=True, override={s: 'const Scalar&'}))});")
        if _short_factory(op):
            L.append(f"EMBER_API Tensor {op.name}({', '.join(_short_factory(op))});")
        if op.out:
            L.append(f"/// {op.name} written into out (same shape as the result; dtype it can cast to).")
            L.append(f"EMBER_API Tensor& {op.name}_out(Tensor& out, {', '.join(params(op, defaults=True))});")
    L.append("")
    # C++ operators.
    for op in ops:
        sym = op.cpp_operator
        if not sym:
            continue
        tensors = [a for a in op.args if a.type == "Tensor"]
        if len(tensors) == 1:
            L.append(f"inline Tensor operator{sym}(const Tensor& a) {{ return {op.name}(a); }}")
            continue
        L.append(f"inline Tensor operator{sym}(const Tensor& a, const Tensor& b) {{ return {op.name}(a, b); }}")
        if op.scalar_args:
            L.append(f"inline Tensor operator{sym}(const Tensor& a, const Scalar& b) "
                     f"{{ return {op.name}(a, b); }}")
            L.append(f"inline Tensor operator{sym}(const Scalar& a, const Tensor& b) "
                     f"{{ return {op.name}(scalar_to_tensor(a), b); }}")
        if op.inplace and sym in ("+", "-", "*", "/", "%", "&", "|", "^"):  # not for comparisons (==, <, ...)
            L.append(f"inline const Tensor& operator{sym}=(const Tensor& a, const Tensor& b) "
                     f"{{ return a.{op.name}_(b); }}")
            if op.scalar_args:
                L.append(f"inline const Tensor& operator{sym}=(const Tensor& a, const Scalar& b) "
                         f"{{ return a.{op.name}_(b); }}")
    L += ["", "}  // namespace ember", ""]
    return "\n".join(L)


def kernel_sigs_h(ops: list[Op]) -> str:
    """The dispatch table's kernel signatures, apart from the op API (ember/dispatch/dispatch.h needs only these)."""
    L = [HEADER, "#pragma once", "#include <optional>", "#include <string>", "",
         '#include "ember/core/generator.h"', '#include "ember/core/tensor.h"', '#include "ember/gen/op_ids.h"', "",
         "namespace ember {", "",
         "/// Kernel signatures: outputs first (absent for ops that modify self), then the op's arguments.",
         "template <OpId op> struct KernelSig;"]
    for op in ops:
        if op.has_kernel:
            L.append(f"template <> struct KernelSig<OpId::{op.id}> {{ using fn = void (*)("
                     f"{', '.join(kernel_params(op))}); }};")
    L += ["", "}  // namespace ember", ""]
    return "\n".join(L)


def tensor_methods_h(ops: list[Op]) -> str:
    L = [HEADER, "// Included inside class Tensor (ember/core/tensor.h).", "public:"]
    for op in ops:
        if "method" not in op.variants:
            continue
        L.append(f"  /// {op.doc}")
        L.append(f"  {ret_type(op)} {op.name}({', '.join(params(op, defaults=True, method=True))}) const;")
        for s in _method_scalar_args(op):
            L.append(f"  {ret_type(op)} {op.name}("
                     f"{', '.join(params(op, defaults=True, method=True, override={s: 'const Scalar&'}))}) const;")
        if op.inplace:
            L.append(f"  /// In-place {op.name}: writes the result into this tensor.")
            L.append(f"  const Tensor& {op.name}_({', '.join(params(op, defaults=True, method=True))}) const;")
            for s in _method_scalar_args(op):
                L.append(f"  const Tensor& {op.name}_("
                         f"{', '.join(params(op, defaults=True, method=True, override={s: 'const Scalar&'}))}) const;")
    return "\n".join(L) + "\n"


def native_h(ops: list[Op]) -> str:
    L = [HEADER, "// Hand-written implementations (src/ops/*.cpp) of the ops marked native.", "#pragma once",
         '#include "ember/gen/functions.h"', "", "namespace ember::native {", ""]
    for op in ops:
        if op.native:
            L.append(f"{fn_ret_type(op)} {op.id}({', '.join(params(op, defaults=False, kernel=True))});")
    L += ["", "}  // namespace ember::native", ""]
    return "\n".join(L)


def _structured_body(op: Op) -> list[str]:
    tensors = [a.name for a in op.args if a.type == "Tensor"]
    # structured::cast_ref: the input itself when it has the compute dtype (no refcount traffic, S1),
    # else a converted copy held in a local.
    kargs = ", ".join(f"structured::cast_ref({a.name}, m, c_{a.name})" if a.type == "Tensor" else a.name
                      for a in op.args)
    holders = ", ".join(f"c_{t}" for t in tensors)
    return [
        f"static void {op.id}_run(const Tensor& out, const structured::MetaResult& m"
        + "".join(f", {p}" for p in params(op, defaults=False)) + ") {",
        f"  auto k = dispatch::kernel<OpId::{op.id}>(m.device.type(), m.compute_dtype);",
    ] + ([f"  Tensor {holders};"] if tensors else []) + [
        f"  k(out, {kargs});",
        "}",
    ], tensors


def _observe(qname: str, ret: str, call: str, boxed: list[str]) -> list[str]:
    """The first line of every op body: with an observer installed (docs/registry.md), run the op inside
    dispatch::detail::observe, which reports the call; otherwise one thread-local load."""
    extra = "".join(f", {b}" for b in boxed)
    if ret == "void":
        return [f'  if (dispatch::detail::observing()) return dispatch::detail::observe("{qname}", '
                f"[&]() -> void {{ {call}; }}{extra});"]
    return [f'  if (dispatch::detail::observing()) return dispatch::detail::observe("{qname}", '
            f"[&]() -> {ret} {{ return {call}; }}{extra});"]


def ops_cpp(ops: list[Op]) -> str:
    # No autograd here: this file is the runtime's (Note [autograd hooks]); record_hooks.h is written
    # after it, from the hooks it calls.
    ga.HOOKS.clear()
    L = [HEADER, '#include "ember/core/grad_mode.h"', '#include "ember/dispatch/dispatch.h"',
         '#include "ember/gen/functions.h"', '#include "ember/gen/native.h"', '#include "ops/structured.h"',
         '#include "core/autograd_hooks.h"', '#include "record_hooks.h"', '#include "dispatch/observe.h"', "",
         "namespace ember {", "", "detail::RecordHooks detail::g_record;", ""]
    for op in ops:
        if op.registry_only:
            continue
        P = ", ".join(params(op, defaults=False))
        names = ", ".join(call_args(op))
        diff = bool(op.backward)
        if op.structured:
            run, tensors = _structured_body(op)
            L += run
            meta_args = [a.name for a in op.args] if op.meta in META_ALL_ARGS else tensors
            meta_call = f'structured::meta_{op.meta}("{op.name}", {", ".join(meta_args)})'
            all_names = ", ".join(a.name for a in op.args)
            L += [f"{fn_ret_type(op)} {op.name}({P}) {{"]
            L += _observe(f"{NAMESPACE}::{op.name}.{op.overload}", fn_ret_type(op), f"ember::{op.name}({names})",
                          call_args(op))
            if diff:
                L += ga.hook_prologue(op)
            L += [f"  auto m = {meta_call};",
                  "  Tensor out = structured::alloc(m);",
                  f"  {op.id}_run(out, m, {all_names});"]
            if diff:
                L += ga.hook_epilogue(op, "out")
            L += ["  return out;", "}"]
            if op.out:
                ptrs = ", ".join(f"&{t}" for t in tensors)
                L += [f"Tensor& {op.name}_out(Tensor& out, {P}) {{"]
                L += _observe(f"{NAMESPACE}::{op.name}.{op.out_overload}", "Tensor&", f"{op.name}_out(out, {names})",
                              call_args(op) + ["out"])
                L += [f'  autograd::check_out_no_grad("{op.name}", {{{ptrs}}});',
                      f"  auto m = {meta_call};",
                      f'  structured::check_overlap("{op.name}", out, {{{ptrs}}});',
                      f'  structured::write_into("{op.name}", out, m, false, [&](const Tensor& o) '
                      f"{{ {op.id}_run(o, m, {all_names}); }});",
                      "  return out;", "}"]
        else:
            if op.out:  # native: compute, then write the result into out (same checks as structured ops)
                tensors = [a.name for a in op.args if a.type == "Tensor"]
                ptrs = ", ".join(f"&{t}" for t in tensors)
                lists = [a.name for a in op.args if a.type == "Tensor[]"]
                L += [f"Tensor& {op.name}_out(Tensor& out, {P}) {{"]
                L += _observe(f"{NAMESPACE}::{op.name}.{op.out_overload}", "Tensor&", f"{op.name}_out(out, {names})",
                              call_args(op) + ["out"])
                L += [f'  autograd::check_out_no_grad("{op.name}", {{{ptrs}}});']
                L += [f'  for (const Tensor& t : {x}) autograd::check_out_no_grad("{op.name}", {{&t}});' for x in lists]
                L += ["  Tensor r;", "  {", "    autograd::NoGradGuard no_grad;",
                      f"    r = native::{op.id}({names});", "  }",
                      f'  structured::check_overlap("{op.name}", out, {{{ptrs}}});']
                L += [f'  for (const Tensor& t : {x}) structured::check_overlap("{op.name}", out, {{&t}});' for x in lists]
                L += [
                      f'  structured::write_into("{op.name}", out, structured::meta_of(r), false, '
                      "[&](const Tensor& o) { o.copy_(r); });",
                      "  return out;", "}"]
            L += [f"{fn_ret_type(op)} {op.name}({P}) {{"]
            L += _observe(f"{NAMESPACE}::{op.name}.{op.overload}", fn_ret_type(op), f"ember::{op.name}({names})",
                          call_args(op))
            if diff and op.returns_self:
                L.append(f'  autograd::check_inplace(self, "{op.name}");')
                L += ga.hook_prologue(op, inplace=True)
                L += ["  {", "    autograd::NoGradGuard no_grad;", f"    native::{op.id}({names});", "  }"]
                L += ga.hook_epilogue(op, "self", inplace=True)
                L += ["  return self;"]
            elif diff and len(op.returns) > 1:  # tuple returns: only the first output is differentiable
                L += ga.hook_prologue(op)
                L += [f"  {fn_ret_type(op)} out;", "  {", "    autograd::NoGradGuard no_grad;",
                      f"    out = native::{op.id}({names});", "  }"]
                L += ga.hook_epilogue(op, "std::get<0>(out)",
                                        [f"std::get<{i}>(out)" for i in range(1, len(op.returns))])
                L += ["  return out;"]
            elif diff:
                L += ga.hook_prologue(op)
                L += ["  Tensor out;", "  {", "    autograd::NoGradGuard no_grad;",
                      f"    out = native::{op.id}({names});", "  }"]
                if op.args and op.args[0].name == "self" and op.args[0].type == "Tensor":
                    L.append("  if (out.is_same(self)) return out;  // nothing happened (e.g. to() a no-op)")
                L += ga.hook_epilogue(op, "out")
                L += ["  return out;"]
            elif op.has_factory_options:
                # requires_grad is applied to the finished tensor, never to intermediates.
                n2 = names.replace("options", "options.requires_grad(false)")
                # A fresh tensor starts at version 0 (as in PyTorch), whatever fills it wrote.
                L += [f"  Tensor out = native::{op.id}({n2});",
                      "  out.unsafeGetTensorImpl()->version_counter().version.store(0, std::memory_order_relaxed);",
                      "  if (options.requires_grad()) out.set_requires_grad(true);", "  return out;"]
            else:
                L.append(f"  return native::{op.id}({names});")
            L.append("}")
        short = _short_factory(op)
        if short:
            full = [a.name if a.default is None else (cpp_default(a)) for a in op.args
                    if a.name not in FACTORY_GROUP]
            L += [f"Tensor {op.name}({', '.join(short)}) {{ return {op.name}({', '.join(full)}, options); }}"]
        for s in op.scalar_args:
            P2 = ", ".join(params(op, defaults=False, override={s: "const Scalar&"}))
            n2 = ", ".join(call_args(op, replace={s: f"scalar_to_tensor({s})"}))
            if "function" in op.variants:
                L += [f"{fn_ret_type(op)} {op.name}({P2}) {{ return {op.name}({n2}); }}"]
        if "method" in op.variants:
            MP = ", ".join(params(op, defaults=False, method=True))
            body = f"ember::{op.name}({', '.join(call_args(op, method=True))})"
            if op.returns_self:  # the free function returns a handle by value; methods return *this
                L += [f"{ret_type(op)} Tensor::{op.name}({MP}) const {{ {body}; return *this; }}"]
            else:
                L += [f"{ret_type(op)} Tensor::{op.name}({MP}) const {{ return {body}; }}"]
            for s in _method_scalar_args(op):
                MP2 = ", ".join(params(op, defaults=False, method=True, override={s: "const Scalar&"}))
                n2 = ", ".join(call_args(op, method=True, replace={s: f"scalar_to_tensor({s})"}))
                if op.returns_self:  # as above: never a reference to the free function's temporary
                    L += [f"{ret_type(op)} Tensor::{op.name}({MP2}) const {{ ember::{op.name}({n2}); return *this; }}"]
                else:
                    L += [f"{ret_type(op)} Tensor::{op.name}({MP2}) const {{ return ember::{op.name}({n2}); }}"]
            if op.inplace:
                tensors = [a.name for a in op.args if a.type == "Tensor"]
                rest = ", ".join(a.name for a in op.args[1:])
                meta_rest = [a.name for a in op.args[1:]] if op.meta in META_ALL_ARGS else tensors[1:]
                meta_call = f'structured::meta_{op.meta}("{op.name}_", *this' + "".join(
                    f", {t}" for t in meta_rest) + ")"
                L += [f"const Tensor& Tensor::{op.name}_({MP}) const {{"]
                rest_names = [a.name for a in op.args[1:]]
                L += _observe(f"{NAMESPACE}::{op.name}_.{op.inplace_overload()}", "const Tensor&",
                              f"{op.name}_({', '.join(rest_names)})", ["*this"] + rest_names)
                if diff:
                    L.append(f'  autograd::check_inplace(*this, "{op.name}_");')
                    L += ga.hook_prologue(op, self_expr="(*this)", inplace=True)
                others = ", ".join(f"&{t}" for t in tensors[1:])
                L += [f"  auto m = {meta_call};",
                      f'  structured::check_overlap("{op.name}_", *this, {{{others}}});',
                      f'  structured::write_into("{op.name}_", *this, m, true, [&](const Tensor& o) '
                      f"{{ {op.id}_run(o, m, *this{', ' + rest if rest else ''}); }});"]
                if diff:
                    L += ga.hook_epilogue(op, "(*this)", inplace=True)
                L += ["  return *this;", "}"]
                for s in _method_scalar_args(op):
                    MP2 = ", ".join(params(op, defaults=False, method=True, override={s: "const Scalar&"}))
                    n2 = ", ".join(call_args(op, replace={s: f"scalar_to_tensor({s})"})[1:])
                    L += [f"const Tensor& Tensor::{op.name}_({MP2}) const {{ return {op.name}_({n2}); }}"]
        L.append("")
    L += ["}  // namespace ember", ""]
    return "\n".join(L)


# ---- boxed registry ---------------------------------------------------------------------------
_UNBOX = {
    "Tensor": "{v}.toTensor()", "Tensor?": "{v}.toOptionalTensor()", "Tensor[]": "{v}.toTensorVector()",
    "Scalar": "{v}.toScalar()", "Scalar?": "{v}.toOptionalScalar()", "int": "{v}.toInt()",
    "int?": "{v}.toOptionalInt()", "int[]": "{v}.toIntVector()", "int[]?": "{v}.toOptionalIntVector()",
    "float": "{v}.toDouble()", "float?": "{v}.toOptionalDouble()", "bool": "{v}.toBool()",
    "str": "{v}.toStringRef()", "str?": "{v}.toOptionalString()", "ScalarType": "{v}.toScalarType()",
    "ScalarType?": "{v}.toOptionalScalarType()", "Device": "{v}.toDevice()",
    "Device?": "{v}.toOptionalDevice()", "Generator?": "{v}.toOptionalGenerator()",
}


def _c_str(s: str) -> str:
    """s escaped for a C++ string literal (string defaults such as padding="valid" carry quotes)."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _arg_row(a: Arg, scalar_ok: set[str], pool: list[int]) -> str:
    """One ArgRow of the registry table (Note [registry table as data]); int-list defaults go to pool."""
    has = "true" if a.default is not None else "false"
    head = (f'{{"{a.name}", "{a.type}", {has}, "{_c_str(a.default or "")}", {"true" if a.kwarg_only else "false"}, '
            f'{"true" if a.name in scalar_ok else "false"}, {a.size or 0}, ')
    d = a.default
    base = a.type.rstrip("?")
    if d is None or d == "None":
        tail = "'n', 0, 0.0, nullptr, 0, 0"
    elif d in ("True", "False"):
        tail = f"'b', {1 if d == 'True' else 0}, 0.0, nullptr, 0, 0"
    elif d.startswith(("'", '"')):
        tail = f"'s', 0, 0.0, \"{_c_str(d[1:-1])}\", 0, 0"
    elif base == "int[]":
        items = d[1:-1].split(",") if d.startswith("[") else [d] * (a.size or 1)
        items = [int(x.strip()) for x in items if x.strip()]
        tail = f"'l', 0, 0.0, nullptr, {len(pool)}, {len(items)}"
        pool.extend(items)
    elif base == "float" or any(c in d for c in ".eE") and base != "str":
        tail = f"'d', 0, double({d}), nullptr, 0, 0"
    else:
        tail = f"'i', int64_t({d}), 0.0, nullptr, 0, 0"
    return head + tail + "}"


def _schema_text(name: str, overload: str, args: list[Arg], returns: str) -> str:
    parts, kw = [], False
    for a in args:
        if a.kwarg_only and not kw:
            parts.append("*")
            kw = True
        t = a.schema_type
        if a.alias:
            t = t.replace("Tensor", f"Tensor({a.alias})", 1)
        parts.append(f"{t} {a.name}" + (f"={a.default}" if a.default is not None else ""))
    return f"{name}.{overload}({', '.join(parts)}) -> {returns}"


def _returns_text(op: Op) -> str:
    def one(r: Arg) -> str:
        t = r.type if not r.alias else r.type.replace("Tensor", f"Tensor({r.alias})", 1)
        return t + (f" {r.ret_name}" if r.ret_name else "")
    if len(op.returns) == 1:
        return one(op.returns[0])
    return "(" + ", ".join(one(r) for r in op.returns) + ")"


def _unbox_lines(op: Op, args: list[Arg], n: int, scalar_ok: set[str], scalar_typed: set[str]) -> list[str]:
    L = [f"  IValue* a = s.data() + (s.size() - {n});"]
    for i, arg in enumerate(args):
        if op.has_factory_options and arg.name in FACTORY_GROUP:
            continue
        if arg.name in scalar_typed:
            conv = f"a[{i}].toScalar()"
        elif arg.name in scalar_ok and arg.type == "Tensor":
            conv = f"unbox_tensor_or_scalar(a[{i}])"
        else:
            conv = _UNBOX[arg.type].format(v=f"a[{i}]")
        if arg.type == "int[]?":
            L.append(f"  auto {arg.name}_v = {conv};")
            L.append(f"  std::optional<IntArrayRef> {arg.name};")
            L.append(f"  if ({arg.name}_v) {arg.name} = IntArrayRef(*{arg.name}_v);")
        else:
            L.append(f"  auto {arg.name} = {conv};")
    if op.has_factory_options:
        idx = {a.name: i for i, a in enumerate(args)}
        L.append(f"  TensorOptions options = TensorOptions().dtype(a[{idx['dtype']}].toOptionalScalarType())"
                 f".device(a[{idx['device']}].toOptionalDevice()).requires_grad(a[{idx['requires_grad']}].toBool());")
    return L


def _push_result(op: Op) -> list[str]:
    if not op.returns:
        return []
    if len(op.returns) == 1:
        if op.returns[0].type == "Tensor":
            return ["  s.emplace_back(Tensor(r));"]
        return ["  s.emplace_back(r);"]
    return [f"  s.emplace_back(std::get<{i}>(r));" for i in range(len(op.returns))]


def registry_cpp(ops: list[Op]) -> str:
    """The op table: each schema op (indexed by OpId), then the in-place, out= and Scalar forms as entries
    of their own, each with a boxed wrapper that unboxes the arguments and calls the C++ API."""
    L = [HEADER, '#include "ember/dispatch/registry.h"', '#include "ember/gen/functions.h"',
         '#include "ember/gen/native.h"', "", "namespace ember {", "namespace {", ""]
    primary, derived = [], []
    for index, op in enumerate(ops):
        n = len(op.args)
        scalar_ok = set(op.scalar_args)
        fn = f"boxed_{op.id}"
        L.append(f"void {fn}(Stack& s) {{")
        L.append(f'  check_stack(s, {n}, "{op.name}");')
        L += _unbox_lines(op, op.args, n, scalar_ok, set())
        call_names = call_args(op)
        if op.registry_only:
            call = f"native::{op.id}({', '.join(call_names)})"
        elif "function" in op.variants:  # qualified: a parameter may share the op's name (pad)
            call = f"ember::{op.name}({', '.join(call_names)})"
        else:
            call = f"self.{op.name}({', '.join(method_call_args(op))})"
        L.append(f"  auto r = {call};" if op.returns else f"  {call};")
        L.append(f"  s.resize(s.size() - {n});")
        L += _push_result(op)
        L.append("}")
        kind = "OpKind::Inplace" if op.returns_self and op.name.endswith("_") else "OpKind::Functional"
        primary.append((op, op.name, op.overload, op.args, _returns_text(op), fn, kind, scalar_ok, index * 8))
        self_arg = op.args[0] if op.args else None
        if op.inplace:
            fn_i = f"boxed_{op.id}_inplace"
            rest = ", ".join(call_names[1:])
            L += [f"void {fn_i}(Stack& s) {{", f'  check_stack(s, {n}, "{op.name}_");']
            L += _unbox_lines(op, op.args, n, scalar_ok, set())
            L += [f"  Tensor r = {self_arg.name};", f"  r.{op.name}_({rest});", f"  s.resize(s.size() - {n});",
                  "  s.emplace_back(std::move(r));", "}"]
            iargs = [Arg(a.name, a.type, a.default, a.kwarg_only, "a!" if i == 0 else a.alias, size=a.size)
                     for i, a in enumerate(op.args)]
            derived.append((op, op.name + "_", op.inplace_overload(), iargs, "Tensor(a!)", fn_i, "OpKind::Inplace", scalar_ok,
                            index * 8 + 1))
        if op.out:
            fn_o = f"boxed_{op.id}_out"
            L += [f"void {fn_o}(Stack& s) {{", f'  check_stack(s, {n + 1}, "{op.name}");']
            L += _unbox_lines(op, op.args, n + 1, scalar_ok, set())
            L += [f"  Tensor out = a[{n}].toTensor();", f"  {op.name}_out(out, {', '.join(call_names)});",
                  f"  s.resize(s.size() - {n + 1});", "  s.emplace_back(std::move(out));", "}"]
            oargs = list(op.args) + [Arg("out", "Tensor", None, True, "a!")]
            derived.append((op, op.name, op.out_overload, oargs, "Tensor(a!)", fn_o, "OpKind::Out", scalar_ok, index * 8 + 2))
        for k, (s_arg, ovl) in enumerate(op.scalar_overloads.items()):
            sargs = [Arg(a.name, "Scalar" if a.name == s_arg else a.type, a.default, a.kwarg_only, a.alias, size=a.size)
                     for a in op.args]
            fn_s = f"boxed_{op.id}_{s_arg}_scalar"
            if "function" in op.variants:
                call = f"{op.name}({', '.join(call_names)})"
            else:
                call = f"self.{op.name}({', '.join(method_call_args(op))})"
            L += [f"void {fn_s}(Stack& s) {{", f'  check_stack(s, {n}, "{op.name}");']
            L += _unbox_lines(op, op.args, n, set(), {s_arg})
            L += [f"  auto r = {call};", f"  s.resize(s.size() - {n});"] + _push_result(op) + ["}"]
            derived.append((op, op.name, ovl, sargs, _returns_text(op), fn_s, "OpKind::Scalar", set(), index * 8 + 3 + 2 * k))
            if op.inplace and s_arg != self_arg.name:
                fn_si = f"boxed_{op.id}_{s_arg}_scalar_inplace"
                L += [f"void {fn_si}(Stack& s) {{", f'  check_stack(s, {n}, "{op.name}_");']
                L += _unbox_lines(op, op.args, n, set(), {s_arg})
                L += [f"  Tensor r = {self_arg.name};", f"  r.{op.name}_({', '.join(call_names[1:])});",
                      f"  s.resize(s.size() - {n});", "  s.emplace_back(std::move(r));", "}"]
                siargs = [Arg(a.name, a.type, a.default, a.kwarg_only, "a!" if i == 0 else a.alias, size=a.size)
                          for i, a in enumerate(sargs)]
                derived.append((op, op.name + "_", op.inplace_overload(ovl), siargs, "Tensor(a!)", fn_si,
                                "OpKind::ScalarInplace", set(), index * 8 + 4 + 2 * k))
    # Note [registry table as data]: the table is emitted as plain constant rows (string literals, numbers,
    # function pointers) that one loop turns into OpInfo objects at first use. An initializer list of
    # ~1000 OpInfo objects with nested vectors and IValues was one huge function that took minutes to
    # compile (13 min under ASan/UBSan); plain rows compile in seconds.
    pool: list[int] = []
    arg_rows: list[str] = []
    op_rows: list[str] = []
    for op, name, ovl, args, rets, fn, kind, scalar_ok, order in primary + derived:
        first = len(arg_rows)
        for a in args:
            arg_rows.append("    " + _arg_row(a, scalar_ok, pool) + ",")
        text = _schema_text(name, ovl, args, rets)
        op_rows.append(f'    {{OpId::{op.id}, "{name}", "{ovl}", "{_c_str(text)}", {first}, {len(args)}, {len(op.returns)}, '
                       f'&{fn}, {kind}, "{NAMESPACE}::{name}.{ovl}", {order}}},')
    L += ["struct ArgRow {", "  const char* name; const char* type; bool has_default; const char* default_value;",
          "  bool kwarg_only; bool scalar_ok; int size;",
          "  char dkind;  // the default's IValue: 'n' None, 'b' bool, 'i' int, 'd' double, 's' str, 'l' int list",
          "  int64_t i; double d; const char* s; int pool_first; int pool_len;", "};",
          "struct OpRow {", "  OpId id; const char* name; const char* overload; const char* schema;",
          "  int first_arg; int num_args; int num_returns; BoxedFn boxed; OpKind kind; const char* qualified; int order;",
          "};", "",
          "const int64_t kIntPool[] = {" + ", ".join(str(v) for v in pool) + (", " if pool else "") + "0};",
          "const ArgRow kArgRows[] = {"] + arg_rows + ["};", "const OpRow kOpRows[] = {"] + op_rows + ["};", "",
          "IValue default_of(const ArgRow& a) {",
          "  switch (a.dkind) {",
          "    case 'b': return IValue(a.i != 0);",
          "    case 'i': return IValue(a.i);",
          "    case 'd': return IValue(a.d);",
          "    case 's': return IValue(std::string(a.s));",
          "    case 'l': return IValue(std::vector<int64_t>(kIntPool + a.pool_first, kIntPool + a.pool_first + a.pool_len));",
          "    default: return IValue();",
          "  }",
          "}", "",
          "}  // namespace", "",
          "const std::vector<OpInfo>& all_ops() {",
          "  static const std::vector<OpInfo> table = [] {",
          "    std::vector<OpInfo> t;",
          "    t.reserve(std::size(kOpRows));",
          "    for (const OpRow& r : kOpRows) {",
          "      std::vector<ArgInfo> args;",
          "      args.reserve(static_cast<size_t>(r.num_args));",
          "      for (int k = 0; k < r.num_args; ++k) {",
          "        const ArgRow& a = kArgRows[r.first_arg + k];",
          "        args.push_back(ArgInfo{a.name, a.type, a.has_default, a.default_value, a.kwarg_only, a.scalar_ok, a.size,",
          "                               default_of(a)});",
          "      }",
          "      t.push_back(OpInfo{r.id, r.name, r.overload, r.schema, std::move(args), r.num_returns, r.boxed, r.kind,",
          "                         r.qualified, r.order});",
          "    }",
          "    return t;",
          "  }();",
          "  return table;",
          "}", "", "}  // namespace ember", ""]
    return "\n".join(L)
