"""Parses and validates the op schema (src/ops/*.yaml). See docs/adding_an_op.md for the format."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Schema argument types -> C++ parameter types (inputs).
CPP_PARAM = {
    "Tensor": "const Tensor&",
    "Tensor?": "const std::optional<Tensor>&",
    "Tensor[]": "TensorList",
    "Scalar": "const Scalar&",
    "Scalar?": "const std::optional<Scalar>&",
    "int": "int64_t",
    "int?": "std::optional<int64_t>",
    "int[]": "IntArrayRef",
    "int[]?": "const OptionalIntArrayRef&",
    "float": "double",
    "float?": "std::optional<double>",
    "bool": "bool",
    "str": "const std::string&",
    "str?": "const std::optional<std::string>&",
    "ScalarType": "ScalarType",
    "ScalarType?": "std::optional<ScalarType>",
    "Device": "Device",
    "Device?": "std::optional<Device>",
    "Generator?": "const std::optional<Generator>&",
}
# Python type names used in .pyi stubs.
PY_TYPE = {
    "Tensor": "Tensor", "Tensor?": "Optional[Tensor]", "Tensor[]": "Sequence[Tensor]",
    "Scalar": "Number", "Scalar?": "Optional[Number]", "int": "int", "int?": "Optional[int]",
    "int[]": "Sequence[int]", "int[]?": "Optional[Union[int, Sequence[int]]]", "float": "float",
    "float?": "Optional[float]", "bool": "bool", "str": "str", "str?": "Optional[str]", "ScalarType": "dtype",
    "ScalarType?": "Optional[dtype]", "Device": "device", "Device?": "Optional[Union[device, str]]",
    "Generator?": "Optional[Generator]",
}
# Functions a backward formula may call besides the schema's own ops (defined by the autograd layer).
BACKWARD_HELPERS = {
    "sum_to", "sum_backward", "mean_backward", "softmax_backward", "log_softmax_backward",
    "matmul_backward_self", "matmul_backward_other", "permute_backward",
    "select_backward", "narrow_backward", "diagonal_backward", "unfold_backward", "as_strided_backward",
    "roll_backward", "slice_backward", "value_selecting_backward",
    "gelu_backward", "clamp_backward",
    "prod_backward", "amax_backward", "index_reduction_backward", "norm_backward",
    "cumsum_backward", "cumprod_backward", "cum_index_backward",
}
# Tensor attributes/methods usable in formulas that are not schema ops.
TENSOR_ATTRS = {"sizes", "dtype", "device", "dim", "numel", "strides", "mT", "T"}
FACTORY_GROUP = ("dtype", "device", "requires_grad")
META_KINDS = {"binary", "binary_pow", "binary_nobool", "binary_float", "binary_same_dtype", "unary", "unary_nobool", "unary_float",
              "unary_bool_long", "compare",
              "unary_bool", "clamp"}
# Meta rules that also get the op's non-tensor arguments (clamp's Scalar bounds take part in promotion).
META_ALL_ARGS = {"clamp"}
KEYS = {"op", "variants", "scalar_args", "operators", "inplace", "out", "meta", "native", "dispatch",
        "composite", "backward", "doc", "python_name", "scalar_overloads", "out_overload", "varargs", "inplace_overloads",
        "cpp_no_default_args"}
# Types an op may return (besides Tensor, Tensor(a), Tensor(a!)): C++ type and Python/boxed handling.
RETURN_TYPES = {
    "Tensor": "Tensor", "Tensor[]": "std::vector<Tensor>", "int": "int64_t", "float": "double", "bool": "bool",
    "int[]": "std::vector<int64_t>", "float[]": "std::vector<double>", "Scalar": "Scalar",
}
NAMESPACE = "aten"
PY_OPERATORS = {  # python dunder -> (number slot, kind)
    "__add__": "nb_add", "__radd__": "nb_add", "__iadd__": "nb_inplace_add",
    "__sub__": "nb_subtract", "__rsub__": "nb_subtract", "__isub__": "nb_inplace_subtract",
    "__mul__": "nb_multiply", "__rmul__": "nb_multiply", "__imul__": "nb_inplace_multiply",
    "__truediv__": "nb_true_divide", "__rtruediv__": "nb_true_divide",
    "__itruediv__": "nb_inplace_true_divide",
    "__pow__": "nb_power", "__rpow__": "nb_power", "__ipow__": "nb_inplace_power",
    "__matmul__": "nb_matrix_multiply", "__rmatmul__": "nb_matrix_multiply",
    "__neg__": "nb_negative",
    "__and__": "nb_and", "__rand__": "nb_and", "__iand__": "nb_inplace_and",
    "__or__": "nb_or", "__ror__": "nb_or", "__ior__": "nb_inplace_or",
    "__xor__": "nb_xor", "__rxor__": "nb_xor", "__ixor__": "nb_inplace_xor",
    "__invert__": "nb_invert", "__abs__": "nb_absolute",
    "__floordiv__": "nb_floor_divide", "__rfloordiv__": "nb_floor_divide", "__ifloordiv__": "nb_inplace_floor_divide",
    "__mod__": "nb_remainder", "__rmod__": "nb_remainder", "__imod__": "nb_inplace_remainder",
    "__lshift__": "nb_lshift", "__rlshift__": "nb_lshift", "__ilshift__": "nb_inplace_lshift",
    "__rshift__": "nb_rshift", "__rrshift__": "nb_rshift", "__irshift__": "nb_inplace_rshift",
    # Rich comparisons share one tp_richcompare slot (generated once, over all ops naming them).
    "__eq__": "tp_richcompare", "__ne__": "tp_richcompare", "__lt__": "tp_richcompare",
    "__le__": "tp_richcompare", "__gt__": "tp_richcompare", "__ge__": "tp_richcompare",
}
UNARY_SLOTS = {"nb_negative", "nb_invert", "nb_absolute"}
RICHCOMPARE_OPS = {"__eq__": "Py_EQ", "__ne__": "Py_NE", "__lt__": "Py_LT", "__le__": "Py_LE",
                   "__gt__": "Py_GT", "__ge__": "Py_GE"}


class SchemaError(Exception):
    pass


@dataclass
class Arg:
    name: str
    type: str
    default: str | None = None
    kwarg_only: bool = False
    alias: str | None = None  # "a" or "a!" from Tensor(a) / Tensor(a!)
    ret_name: str | None = None  # returns only: "values" in -> (Tensor values, Tensor indices)
    size: int | None = None  # int[2]: a fixed-size list; a single int is repeated size times

    @property
    def schema_type(self) -> str:
        """The type as written in a schema (int[2] keeps its size)."""
        if self.size is not None:
            return self.type.replace("[]", f"[{self.size}]")
        return self.type

    @property
    def is_tensor(self) -> bool:
        return self.type in ("Tensor", "Tensor?")


@dataclass
class Op:
    name: str  # the op's name: the C++ function / method and the Python name
    args: list[Arg]
    returns: list[Arg]
    variants: list[str]
    doc: str
    file: str
    meta: str | None = None
    native: bool = False
    dispatch: bool = False
    composite: bool = False
    inplace: bool = False
    out: bool = False
    scalar_args: list[str] = field(default_factory=list)
    py_operators: list[str] = field(default_factory=list)
    cpp_operator: str | None = None
    backward: dict[str, str] = field(default_factory=dict)
    python_name: str | None = None
    signature: str = ""
    return_names: list[str] = field(default_factory=list)  # (Tensor values, Tensor indices): a named tuple
    overload: str = "default"  # add.Tensor -> "Tensor"; "default" when the schema gives none
    id: str = ""  # unique C++ identifier (OpId, kernel signature, node, native fn): name, or name_overload
    scalar_overloads: dict[str, str] = field(default_factory=dict)  # scalar arg -> overload name of that form
    out_overload: str = "out"
    inplace_overloads: dict[str, str] = field(default_factory=dict)  # overload -> its in-place form's, where they differ
    varargs: bool = False  # Python: the Tensor[] parameter also takes the tensors as separate arguments
    cpp_no_default_args: list[str] = field(default_factory=list)

    @property
    def qualified_name(self) -> str:
        return f"{NAMESPACE}::{self.name}.{self.overload}"

    def inplace_overload(self, overload: str | None = None) -> str:
        """The overload name of the in-place form (add_.Tensor; pow_.Scalar for pow.Tensor_Scalar)."""
        o = overload or self.overload
        return self.inplace_overloads.get(o, o)

    @property
    def returns_list(self) -> bool:
        return len(self.returns) == 1 and self.returns[0].type == "Tensor[]"

    @property
    def returns_plain(self) -> bool:
        """Returns only non-tensor values (bool, int, float, int[], ...): computed by native code."""
        return all(r.type not in ("Tensor", "Tensor[]") for r in self.returns)

    @property
    def structured(self) -> bool:
        return self.meta is not None

    @property
    def has_kernel(self) -> bool:
        return self.structured or self.dispatch

    @property
    def returns_bool(self) -> bool:
        return len(self.returns) == 1 and self.returns[0].type == "bool"

    @property
    def returns_tuple(self) -> bool:
        return len(self.returns) > 1

    @property
    def registry_only(self) -> bool:
        """variants: [] - no C++ function or method and no Python binding are generated: the op is a registry
        entry whose boxed call runs its native directly (aten::size.int for the JIT; C++ and Python users
        have Tensor::size)."""
        return not self.variants

    @property
    def returns_self(self) -> bool:
        return len(self.returns) == 1 and self.returns[0].alias == "a!"

    @property
    def has_factory_options(self) -> bool:
        names = [a.name for a in self.args]
        return all(n in names for n in FACTORY_GROUP)

    @property
    def pyname(self) -> str:
        return self.python_name or self.name


_SIG = re.compile(r"^(\w+)(?:\.(\w+))?\((.*)\)\s*->\s*(.+)$")
_ARG = re.compile(r"^(Tensor|Scalar|int|float|bool|str|ScalarType|Device|Generator)(\((\w!?)\))?(\[(\d*)\])?(\?)?\s+(\w+)(=(.+))?$")


def _parse_arg(text: str, kwarg_only: bool, where: str) -> Arg:
    m = _ARG.match(text.strip())
    if not m:
        raise SchemaError(f"{where}: cannot parse argument '{text.strip()}'")
    base, _, alias, lst, size, opt, name, _, default = m.groups()
    typ = base + ("[]" if lst else "") + (opt or "")
    if typ not in CPP_PARAM:
        raise SchemaError(f"{where}: unsupported type '{typ}'")
    if size and base != "int":
        raise SchemaError(f"{where}: only int lists may have a fixed size ('{text.strip()}')")
    if alias and base != "Tensor":
        raise SchemaError(f"{where}: only tensors carry alias annotations ('{text.strip()}')")
    return Arg(name, typ, default, kwarg_only, alias, size=int(size) if size else None)


def _parse_returns(text: str, where: str) -> list[Arg]:
    text = text.strip()
    if text == "()":  # no results (in-place list ops: _foreach_add_)
        return []
    if text.startswith("("):
        parts = [p.strip() for p in text[1:-1].split(",")]
    else:
        parts = [text]
    out = []
    for i, p in enumerate(parts):
        m = re.match(r"^(Tensor|int|float|bool|Scalar)(\((\w!?)\))?(\[\])?(\s+\w+)?$", p)
        if not m or (m.group(2) and m.group(1) != "Tensor"):
            raise SchemaError(f"{where}: unsupported return type '{p}' (known: {sorted(RETURN_TYPES)})")
        typ = m.group(1) + (m.group(4) or "")
        if typ not in RETURN_TYPES:
            raise SchemaError(f"{where}: unsupported return type '{p}' (known: {sorted(RETURN_TYPES)})")
        if typ == "Tensor[]" and len(parts) > 1:
            raise SchemaError(f"{where}: a Tensor[] return must be the only return")
        out.append(Arg(f"result{i}", typ, alias=m.group(3), ret_name=m.group(5).strip() if m.group(5) else None))
    return out


def parse_signature(sig: str, where: str):
    m = _SIG.match(sig.strip())
    if not m:
        raise SchemaError(f"{where}: cannot parse signature '{sig}'")
    name, overload, params, rets = m.groups()
    args, kwonly = [], False
    for p in [p for p in params.split(",") if p.strip()]:
        if p.strip() == "*":
            kwonly = True
            continue
        args.append(_parse_arg(p, kwonly, where))
    return name, overload, args, _parse_returns(rets, where)


def _check_formula(op: Op, input_name: str, formula: str, all_ops: dict[str, Op]):
    where = f"{op.file}: {op.name}: backward for '{input_name}'"
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as e:
        raise SchemaError(f"{where}: cannot parse '{formula}': {e.msg}") from None
    params = {a.name for a in op.args}
    # Several returns: result / result0 is the first (the only differentiable one), resultN the others.
    results = {f"result{i}" for i in range(len(op.returns))} if len(op.returns) > 1 else set()
    allowed = params | {"grad", "result"} | results | BACKWARD_HELPERS | set(all_ops)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr not in all_ops and node.attr not in TENSOR_ATTRS:
                raise SchemaError(f"{where}: unknown method '.{node.attr}' in '{formula}'")
        elif isinstance(node, ast.Name) and node.id not in allowed:
            raise SchemaError(f"{where}: unknown name '{node.id}' in '{formula}'")


def load(schema_dir: Path) -> list[Op]:
    ops: list[Op] = []
    for path in sorted(schema_dir.glob("*.yaml")):
        entries = yaml.safe_load(path.read_text()) or []
        for e in entries:
            where = f"{path.name}"
            if not isinstance(e, dict) or "op" not in e:
                raise SchemaError(f"{where}: every entry needs an 'op:' signature")
            unknown = set(e) - KEYS
            if unknown:
                raise SchemaError(f"{where}: {e['op']}: unknown keys {sorted(unknown)}")
            name, overload, args, rets = parse_signature(e["op"], where)
            where = f"{path.name}: {name}"
            if "doc" not in e:
                raise SchemaError(f"{where}: missing 'doc:' line")
            op = Op(name=name, args=args, returns=rets, variants=list(e.get("variants", ["function"])),
                    doc=e["doc"], file=path.name, meta=e.get("meta"), native=bool(e.get("native")),
                    dispatch=bool(e.get("dispatch")), composite=bool(e.get("composite")),
                    inplace=bool(e.get("inplace")), out=bool(e.get("out")),
                    scalar_args=e.get("scalar_args", []), backward=e.get("backward") or {},
                    python_name=e.get("python_name"), signature=e["op"], overload=overload or "default",
                    scalar_overloads=e.get("scalar_overloads") or {}, out_overload=e.get("out_overload", "out"),
                    inplace_overloads=e.get("inplace_overloads") or {},
                    varargs=bool(e.get("varargs")), cpp_no_default_args=e.get("cpp_no_default_args") or [])
            if len(rets) > 1 and all(r.ret_name for r in rets):
                op.return_names = [r.ret_name for r in rets]
            opers = e.get("operators") or {}
            op.py_operators = opers.get("python", [])
            op.cpp_operator = opers.get("cpp")
            if op.meta and op.native:
                raise SchemaError(f"{where}: an op is either structured (meta:) or native, not both")
            if not op.meta and not op.native:
                raise SchemaError(f"{where}: needs 'meta:' (structured) or 'native: true'")
            if op.meta and op.meta not in META_KINDS:
                raise SchemaError(f"{where}: unknown meta '{op.meta}' (known: {sorted(META_KINDS)})")
            if op.returns_plain and (op.structured or op.backward or op.dispatch):
                raise SchemaError(f"{where}: an op returning non-tensors must be native, without backward")
            if op.returns_list and (op.structured or op.backward):
                raise SchemaError(f"{where}: an op returning Tensor[] must be native (its pieces record themselves)")
            for s_arg in op.scalar_overloads:
                if s_arg not in op.scalar_args:
                    raise SchemaError(f"{where}: scalar_overloads names '{s_arg}', which is not in scalar_args")
            if op.varargs and not any(a.type == "Tensor[]" and not a.kwarg_only for a in args):
                raise SchemaError(f"{where}: varargs needs a positional Tensor[] parameter")
            if op.inplace and not op.structured:
                raise SchemaError(f"{where}: inplace variants are generated for structured ops only")
            if op.out and not op.structured and (len(rets) != 1 or rets[0].type != "Tensor" or rets[0].alias):
                raise SchemaError(f"{where}: out= of a native op needs a single Tensor result")
            for v in op.variants:
                if v not in ("function", "method"):
                    raise SchemaError(f"{where}: unknown variant '{v}'")
            if "method" in op.variants and not any(a.name == "self" and a.type == "Tensor" for a in args):
                raise SchemaError(f"{where}: a method needs a 'Tensor self' argument")
            if op.inplace and (args[0].name != "self" or args[0].type != "Tensor"):
                raise SchemaError(f"{where}: an op with an in-place form needs 'Tensor self' first")
            for s in op.scalar_args:
                if s not in {a.name for a in args if a.type == "Tensor"}:
                    raise SchemaError(f"{where}: scalar_args names '{s}', which is not a Tensor argument")
            for d in op.py_operators:
                if d not in PY_OPERATORS:
                    raise SchemaError(f"{where}: unsupported Python operator '{d}'")
            ops.append(op)
    names, qualified, ids = {}, set(), {}
    for op in ops:
        # The first overload of a name keeps the bare name as its C++ id (OpId::max), later ones get
        # name_overload (OpId::max_dim): kernels and hand-written code name ops by these ids.
        op.id = op.name if op.name not in names else f"{op.name}_{op.overload}"
        if op.qualified_name in qualified:
            raise SchemaError(f"{op.file}: {op.qualified_name}: defined twice")
        if op.id in ids:
            raise SchemaError(f"{op.file}: {op.qualified_name}: C++ id '{op.id}' is taken by {ids[op.id]}")
        first = names.setdefault(op.name, op)
        if first.pyname != op.pyname:
            raise SchemaError(f"{op.file}: {op.qualified_name}: every overload of {op.name} needs the same python_name")
        qualified.add(op.qualified_name)
        ids[op.id] = op.qualified_name
    for op in ops:
        params = {a.name for a in op.args}
        for inp, formula in op.backward.items():
            if inp not in params:
                raise SchemaError(f"{op.file}: {op.name}: backward names '{inp}', which is not an input")
            _check_formula(op, inp, str(formula), names)
        if op.composite and op.backward:
            raise SchemaError(f"{op.file}: {op.name}: a composite op gets its gradient from the ops it calls")
    return ops
