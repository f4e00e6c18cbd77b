"""Emits autograd from the schema's backward formulas: one Node class per differentiable op (saving only
what its formulas read, and only for inputs that need a gradient) and the recording code that the op
bodies run when an input requires grad."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from schema import HEADER, Op

META_ATTRS = {"sizes": ("sizes", "DimVector", "{x}.sizes()"),
              "dtype": ("dtype", "ScalarType", "{x}.dtype()"),
              "device": ("device", "Device", "{x}.device()")}
SAVED_TYPES = {  # schema type -> member type for saved non-tensor arguments
    "Scalar": "Scalar", "Scalar?": "std::optional<Scalar>", "int": "int64_t", "int?": "std::optional<int64_t>",
    "int[]": "DimVector", "int[]?": "std::optional<DimVector>", "float": "double", "float?": "std::optional<double>", "bool": "bool",
    "ScalarType?": "std::optional<ScalarType>", "Device?": "std::optional<Device>", "ScalarType": "ScalarType",
    "Device": "Device", "str": "std::string",
}


def _result_member(n: int) -> str:
    return "result_" if n == 0 else f"result{n}_"


def _results(uses) -> list[int]:
    return sorted({n for u in uses.values() for n in u.results})


SHAPE_PRESERVING_METAS = {"unary", "unary_nobool", "unary_float", "clamp"}


def shape_preserving(op: Op) -> bool:
    """One tensor input whose shape the output keeps (and whose dtype it keeps when the input is
    floating, the only case that records): its gradient needs no reduction to the input's shape."""
    return op.meta in SHAPE_PRESERVING_METAS and len(differentiable_inputs(op)) == 1


def node_name(op: Op) -> str:
    return "".join(p.capitalize() for p in op.id.strip("_").split("_")) + "Backward0"


@dataclass
class Use:
    tensors: set = field(default_factory=set)        # tensor params read whole
    metas: set = field(default_factory=set)          # (param, attr)
    values: set = field(default_factory=set)         # non-tensor params
    results: set = field(default_factory=set)        # output numbers read (result / result0: 0, resultN: N)

    @property
    def result(self) -> bool:
        return bool(self.results)


def _uses(op: Op, formula: str) -> Use:
    tensor_params = {a.name for a in op.args if a.type == "Tensor"}
    other_params = {a.name for a in op.args if a.type != "Tensor"}
    u = Use()
    tree = ast.parse(formula, mode="eval")
    meta_names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in tensor_params
                and node.func.attr in META_ATTRS and not node.args):
            u.metas.add((node.func.value.id, node.func.attr))
            meta_names.add(id(node.func.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id == "result":
                u.results.add(0)
            elif re.fullmatch(r"result\d+", node.id) and len(op.returns) > 1:
                u.results.add(int(node.id[6:]))
            elif node.id in tensor_params and id(node) not in meta_names:
                u.tensors.add(node.id)
            elif node.id in other_params:
                u.values.add(node.id)
    return u


def _cpp(node, op: Op) -> str:
    tensor_params = {a.name for a in op.args if a.type == "Tensor"}
    other_params = {a.name for a in op.args if a.type != "Tensor"}
    r = lambda n: _cpp(n, op)  # noqa: E731
    if isinstance(node, ast.Expression):
        return r(node.body)
    if isinstance(node, ast.Name):
        if node.id in other_params:
            return node.id + "_"
        return node.id
    if isinstance(node, ast.Constant):
        return repr(node.value) if not isinstance(node.value, bool) else str(node.value).lower()
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return f"(-{r(node.operand)})"
    if isinstance(node, ast.BinOp):
        sym = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
        return f"({r(node.left)} {sym} {r(node.right)})"
    if isinstance(node, ast.Call):
        args = ", ".join(r(a) for a in node.args)
        f = node.func
        if isinstance(f, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id in tensor_params and f.attr in META_ATTRS and not node.args:
                return f"{f.value.id}_{f.attr}_"
            return f"{r(f.value)}.{f.attr}({args})"
        return f"{r(f)}({args})"
    raise ValueError(f"{op.name}: unsupported construct in backward formula: {ast.dump(node)}")


def differentiable_inputs(op: Op) -> list[str]:
    return [a.name for a in op.args if a.type == "Tensor"]


def analyze(op: Op):
    ins = differentiable_inputs(op)
    uses = {i: _uses(op, str(op.backward[i])) for i in op.backward}
    for i in op.backward:
        if i not in ins:
            raise ValueError(f"{op.name}: backward for '{i}', which is not a Tensor input")
    return ins, uses


def nodes_h(ops: list[Op]) -> str:
    L = [HEADER, "// One backward Node per differentiable schema op.", "#pragma once",
         '#include "ember/autograd/autograd.h"', "", "namespace ember::autograd::generated {", ""]
    for op in ops:
        if not op.backward:
            continue
        ins, uses = analyze(op)
        tensors = sorted({t for u in uses.values() for t in u.tensors})
        grads = [i for i in ins if i in op.backward]  # inputs with a formula; the others get no gradient
        sized = [] if shape_preserving(op) else grads
        metas = {(i, "sizes") for i in sized} | {(i, "dtype") for i in grads} | {m for u in uses.values() for m in u.metas}
        values = sorted({v for u in uses.values() for v in u.values})
        L.append(f"struct {node_name(op)} final : Node {{")
        # A user-provided constructor: make_node's value-initialization then does not zero the node.
        L.append(f"  {node_name(op)}() {{}}")
        L.append(f'  std::string name() const override {{ return "{node_name(op)}"; }}')
        L.append("  variable_list apply(variable_list&& grads) override;")
        rel = " ".join(f"{t}_.reset();" for t in tensors) + "".join(f" {_result_member(n)}.reset();" for n in _results(uses))
        L.append(f"  void release_variables() override {{ {rel} }}")
        for t in tensors:
            L.append(f"  SavedVariable {t}_;")
        for n in _results(uses):
            L.append(f"  SavedVariable {_result_member(n)};")
        for (p, attr) in sorted(metas, key=lambda m: (m[1] == "dtype", m)):  # small members last: less padding
            init = " = ScalarType::Undefined" if attr == "dtype" else ""
            L.append(f"  {META_ATTRS[attr][1]} {p}_{attr}_{init};")
        typ = {a.name: a.type for a in op.args}
        for v in values:
            L.append(f"  {SAVED_TYPES[typ[v]]} {v}_{{}};")
        L.append("};")
        L.append("")
    L += ["}  // namespace ember::autograd::generated", ""]
    return "\n".join(L)


def nodes_cpp(ops: list[Op]) -> str:
    L = [HEADER, '#include "autograd_nodes.h"', '#include "ember/gen/functions.h"', "",
         "namespace ember::autograd::generated {", ""]
    for op in ops:
        if not op.backward:
            continue
        ins, uses = analyze(op)
        tensors = sorted({t for u in uses.values() for t in u.tensors})
        L.append(f"variable_list {node_name(op)}::apply(variable_list&& grads) {{")
        L.append("  const Tensor& grad = grads[0];")
        L.append(f"  variable_list out({len(ins)});")
        for t in tensors:
            L.append(f"  Tensor {t} = {t}_.unpack();")
        for n in _results(uses):  # the first output is saved as an output (its grad_fn is this node)
            if n == 0:
                L.append(f"  Tensor result{'0' if len(op.returns) > 1 else ''} = result_.unpack();")
                if len(op.returns) > 1:
                    L.append("  const Tensor& result = result0;")
            else:
                L.append(f"  Tensor result{n} = result{n}_.unpack();")
        for idx, name in enumerate(ins):
            if name not in op.backward:
                continue
            expr = _cpp(ast.parse(str(op.backward[name]), mode="eval"), op)
            if shape_preserving(op):
                L.append(f"  if (should_compute_output({idx})) out[{idx}] = cast_grad({expr}, {name}_dtype_);")
            else:
                L.append(f"  if (should_compute_output({idx})) out[{idx}] = reduce_grad({expr}, {name}_sizes_, {name}_dtype_);")
        L.append("  return out;")
        L.append("}")
        L.append("")
    L += ["}  // namespace ember::autograd::generated", ""]
    return "\n".join(L)


def record_prologue(op: Op, self_expr: str = "self", inplace: bool = False) -> list[str]:
    """Code run before the op: decides whether to record, creates the node, saves inputs."""
    ins, uses = analyze(op)
    names = {n: (self_expr if n == "self" else n) for n in ins}
    ptrs = ", ".join(f"&{names[n]}" for n in ins)
    L = [f"  std::shared_ptr<autograd::generated::{node_name(op)}> grad_node;",
         f"  if (autograd::GradMode::is_enabled() && autograd::any_requires_grad({{{ptrs}}})) {{",
         f"    grad_node = autograd::make_node<autograd::generated::{node_name(op)}>();",
         f"    grad_node->reserve_next_edges({len(ins)});"]
    for n in ins:
        L.append(f"    grad_node->add_next_edge(autograd::gradient_edge({names[n]}));")
    # Each member is saved once, when any input whose gradient reads it needs a gradient.
    saves: dict[str, list] = {}  # member -> [assignment, input indices]

    def need(member: str, code: str, idx: int):
        saves.setdefault(member, [code, set()])[1].add(idx)

    for idx, n in enumerate(ins):
        if n not in op.backward:
            continue
        u = uses[n]
        for t in sorted(u.tensors):
            src = f"{self_expr}.clone()" if inplace and t == "self" else names[t]
            need(f"{t}_", f"grad_node->{t}_.save({src}, false);", idx)
        for v in sorted(u.values):
            typ = next(a for a in op.args if a.name == v).type
            val = {"int[]": f"DimVector({v})",
                   "int[]?": f"{v} ? std::optional<DimVector>(DimVector(*{v})) : std::nullopt"}.get(typ, v)
            need(f"{v}_", f"grad_node->{v}_ = {val};", idx)
        for (p, attr) in sorted(u.metas):
            need(f"{p}_{attr}_", f"grad_node->{p}_{attr}_ = {META_ATTRS[attr][2].format(x=names[p])};", idx)
        if not shape_preserving(op):
            need(f"{n}_sizes_", f"grad_node->{n}_sizes_ = {names[n]}.sizes();", idx)
        need(f"{n}_dtype_", f"grad_node->{n}_dtype_ = {names[n]}.dtype();", idx)
    groups: dict[tuple, list[str]] = {}
    for code, idxs in saves.values():
        # The node exists only when some input needs a gradient: a member every input's gradient
        # reads is saved without a test.
        key = () if idxs == set(range(len(ins))) else tuple(sorted(idxs))
        groups.setdefault(key, []).append(code)
    for key, codes in groups.items():
        if not key:
            L += [f"    {c}" for c in codes]
            continue
        cond = " || ".join(f"grad_node->should_compute_output({i})" for i in key)
        L.append(f"    if ({cond}) {{")
        L += [f"      {c}" for c in codes]
        L.append("    }")
    L.append("  }")
    return L


def record_epilogue(op: Op, out_expr: str, others: list[str] | None = None, inplace: bool = False) -> list[str]:
    """out_expr: the (first, differentiable) output; others: the expressions of the further outputs
    (tuple returns), saved as plain tensors when a formula reads them (integer indices never have history);
    inplace: out_expr was written in place (a view's write is rebased onto its base)."""
    ins, uses = analyze(op)
    L = [f"  if (grad_node && ember::is_floating_point({out_expr}.dtype())) {{",
         "    if (autograd::AnomalyMode::is_enabled()) grad_node->set_creation_trace(autograd::current_trace());"]
    if inplace:  # the saved result's grad_fn may be CopySlices (a view's write): set history first
        L.append(f"    autograd::set_history_inplace({out_expr}, grad_node);")
    for n in _results(uses):
        src = out_expr if n == 0 else (others or [])[n - 1]
        if n == 0 and not inplace:  # Note [saved variables]: no reference from the node to itself
            L.append(f"    grad_node->{_result_member(n)}.save_output_of({src}, grad_node.get());")
        else:
            L.append(f"    grad_node->{_result_member(n)}.save({src}, {'true' if n == 0 else 'false'});")
    if not inplace:  # the output takes over the node's only reference
        L.append(f"    autograd::set_history({out_expr}, std::move(grad_node));")
    L.append("  }")
    return L


# ---- recording through hooks (Note [autograd hooks], src/core/autograd_hooks.h) -----------------
# The runtime's op bodies (ops.cpp) call g_record.<key>_pre / _post; libember's autograd_record.cpp
# holds those functions (the prologue and epilogue above) and fills the table when it loads.
# HOOKS collects, while ops.cpp is generated, every (key -> op, inplace, further outputs) it calls.
HOOKS: dict[str, tuple] = {}


def _hook_key(op: Op, inplace: bool) -> str:
    return f"{op.id}_inplace" if inplace else op.id


def hook_prologue(op: Op, self_expr: str = "self", inplace: bool = False) -> list[str]:
    """Runtime side of record_prologue: asks libember for a node when recording is due."""
    key = _hook_key(op, inplace)
    ins, _ = analyze(op)
    ptrs = ", ".join(f"&{self_expr if n == 'self' else n}" for n in ins)
    args = ", ".join(self_expr if a.name == "self" else a.name for a in op.args)
    HOOKS.setdefault(key, [op, inplace, 0])
    return ["  std::shared_ptr<autograd::Node> grad_node;",
            f"  if (detail::g_record.{key}_pre && autograd::GradMode::is_enabled() && "
            f"detail::any_requires_grad({{{ptrs}}}))",
            f"    grad_node = detail::g_record.{key}_pre({args});"]


def hook_epilogue(op: Op, out_expr: str, others: list[str] | None = None, inplace: bool = False) -> list[str]:
    key = _hook_key(op, inplace)
    HOOKS[key][2] = len(others or [])
    extra = "".join(f", {o}" for o in (others or []))
    return [f"  if (grad_node) detail::g_record.{key}_post(std::move(grad_node), {out_expr}{extra});"]


def _hook_sigs(key: str, params_of) -> tuple[str, str]:
    op, inplace, n_others = HOOKS[key]
    from schema import RETURN_TYPES
    pre = f"std::shared_ptr<autograd::Node> (*{key}_pre)({', '.join(params_of(op))})"
    outs = ["const Tensor& self"] if inplace else ["const Tensor& out"]
    outs += [f"const {RETURN_TYPES[op.returns[i].type]}& out{i}" for i in range(1, n_others + 1)]
    post = f"void (*{key}_post)(std::shared_ptr<autograd::Node>&& node, {', '.join(outs)})"
    return pre, post


def record_hooks_h(params_of) -> str:
    L = [HEADER, "// The per-op recording hooks of the runtime's op bodies (Note [autograd hooks]).", "#pragma once",
         "#include <memory>", "", '#include "ember/gen/functions.h"', "",
         "namespace ember::autograd {", "class Node;", "}  // namespace ember::autograd", "",
         "namespace ember::detail {", "", "/// Null until libember is loaded (its generated autograd_record.cpp fills it).",
         "struct RecordHooks {"]
    for key in sorted(HOOKS):
        pre, post = _hook_sigs(key, params_of)
        L += [f"  {pre} = nullptr;", f"  {post} = nullptr;"]
    L += ["};", "", "EMBER_API extern RecordHooks g_record;", "", "}  // namespace ember::detail", ""]
    return "\n".join(L)


def autograd_record_cpp(params_of) -> str:
    L = [HEADER, "// The recording half of every differentiable op body, installed into the runtime's hooks when",
         "// libember loads (Note [autograd hooks]).", '#include "autograd_nodes.h"', '#include "record_hooks.h"',
         '#include "ember/gen/functions.h"', "",
         "namespace ember::autograd::generated {", "namespace {", ""]
    for key in sorted(HOOKS):
        op, inplace, n_others = HOOKS[key]
        pre, post = _hook_sigs(key, params_of)
        L.append(pre.replace(f"(*{key}_pre)", f"{key}_pre") + " {")
        L += record_prologue(op, "self", inplace)
        L += ["  return grad_node;", "}"]
        L.append(post.replace(f"(*{key}_post)", f"{key}_post") + " {")
        L.append(f"  auto grad_node = std::static_pointer_cast<{node_name(op)}>(std::move(node));")
        out = "self" if inplace else "out"
        L += record_epilogue(op, out, [f"out{i}" for i in range(1, n_others + 1)] or None, inplace)
        L += ["}", ""]
    L += ["const bool installed = [] {", "  detail::RecordHooks& r = detail::g_record;"]
    for key in sorted(HOOKS):
        L += [f"  r.{key}_pre = &{key}_pre;", f"  r.{key}_post = &{key}_post;"]
    L += ["  return true;", "}();", "", "}  // namespace", "}  // namespace ember::autograd::generated", ""]
    return "\n".join(L)
