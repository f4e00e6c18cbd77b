"""The layering check (docs/layers.md): a file of one layer includes headers of its own layer or of
layers below it, never above. Layers, bottom to top, are folders of src/ and include/ember/; the
runtime library (libember_runtime) is every layer up to `ops`, libember the rest. CMakeLists.txt
assigns src/ folders to the two libraries by the same table (EMBER_RUNTIME_DIRS), checked here too."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Bottom to top. A folder not listed belongs to libember at the `frontend` rank (nn, optim, data, io
# and any new folder), so a new layer above autograd needs no edit here.
# serialize (the safetensors reader/writer and the IValue tree codec) is in the runtime so that a deployment
# without libember reads saved weights and programs. jit (the IR, passes, interpreter, tracer on the op
# observer and the script Module) is the runtime's top layer: deployment runs saved programs without
# autograd. What of the JIT needs nn or autograd (tracing an nn::Module) lives in src/jit_nn/, a libember
# folder at the frontend rank.
LAYERS = ["util", "core", "dispatch", "kernels", "ops", "serialize", "jit", "autograd", "frontend", "distributed", "python"]
RUNTIME = LAYERS[: LAYERS.index("jit") + 1]
FOLDER_LAYER = {"util": "util", "core": "core", "dispatch": "dispatch", "kernels": "kernels", "ops": "ops", "serialize": "serialize",
                "autograd": "autograd", "jit": "jit", "distributed": "distributed"}
# Headers outside a layer folder (include/ember/*.h and the generated include/ember/gen/*.h).
HEADER_LAYER = {
    "ember/gen/op_ids.h": "core",          # op ids: plain enum
    "ember/gen/tensor_methods.h": "core",  # declarations inside class Tensor (ember/core/tensor.h)
    "ember/gen/kernel_sigs.h": "dispatch",  # kernel signatures of the dispatch table
    "ember/gen/functions.h": "ops",        # the generated op API
    "ember/gen/native.h": "ops",
    "ember/ember.h": "python",             # the umbrella header: everything
    "ember/jit.h": "jit",                  # the JIT umbrella (runtime)
    "ember/extension.h": "distributed",
    "ember/python.h": "python",
    "ember/python_capi.h": "python",
}
# Known upward includes inside the runtime, each with its reason. Keep this list short.
ALLOWED = {
    # The run-time registry calls ops by name (boxed calls of the generated API) and builds tensors.
    ("src/dispatch/library.cpp", "ember/gen/functions.h"),
    ("src/dispatch/registry.cpp", "ember/gen/functions.h"),
    # Tensor's hand-written methods (item, to, ...), printing and ember::tensor({...}) are built from
    # ops; core and ops are folders of the same library (libember_runtime), so nothing crosses a library.
    ("src/core/tensor.cpp", "ember/gen/functions.h"),
    ("src/core/tensor.cpp", "ember/gen/native.h"),
    ("src/core/print.cpp", "ember/gen/functions.h"),
    ("include/ember/core/tensor_new.h", "ember/gen/functions.h"),
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of_path(rel):
    """The layer of a repository file (src/<layer>/..., include/ember/<layer>/...) or None."""
    parts = rel.split("/")
    if parts[0] == "src" and len(parts) > 2:
        return FOLDER_LAYER.get(parts[1], "frontend")
    if parts[0] == "include" and len(parts) > 3:
        return FOLDER_LAYER.get(parts[2], "frontend")
    if parts[0] == "include":
        return HEADER_LAYER.get("/".join(parts[1:]))
    return None


def layer_of_include(inc):
    """The layer of an included header ("ember/core/tensor.h", "ops/structured.h", "autograd_nodes.h")."""
    if inc in HEADER_LAYER:
        return HEADER_LAYER[inc]
    parts = inc.split("/")
    if parts[0] == "ember" and len(parts) > 2:
        return FOLDER_LAYER.get(parts[1], "frontend")
    if len(parts) > 1 and parts[0] in FOLDER_LAYER:  # a private header of src/
        return FOLDER_LAYER[parts[0]]
    if inc.startswith("autograd_") or inc == "record_hooks.h":  # generated private headers
        return "autograd" if inc.startswith("autograd_") else "ops"
    return None


def source_files():
    for top in ("src", "include"):
        for dirpath, dirs, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith((".h", ".cpp")):
                    yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def upward_includes():
    bad = []
    for rel in source_files():
        own = layer_of_path(rel)
        if own is None:
            continue
        with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            theirs = layer_of_include(inc)
            if theirs is None or (rel, inc) in ALLOWED:
                continue
            if LAYERS.index(theirs) > LAYERS.index(own):
                bad.append(f"{rel} ({own}) includes {inc} ({theirs})")
    return bad


def test_no_layer_includes_a_higher_one():
    bad = upward_includes()
    assert not bad, "upward includes (docs/layers.md):\n" + "\n".join(bad)


def test_allowed_exceptions_still_exist():
    # An exception that no longer happens is removed from ALLOWED, so the list stays honest.
    for rel, inc in ALLOWED:
        with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
            assert inc in INCLUDE.findall(fh.read()), f"{rel} no longer includes {inc}: drop it from ALLOWED"


def test_the_check_catches_an_upward_include(tmp_path):
    assert layer_of_include("ember/autograd/node.h") == "autograd"
    assert layer_of_path("src/core/tensor.cpp") == "core"
    assert LAYERS.index(layer_of_include("ember/autograd/node.h")) > LAYERS.index(layer_of_path("src/core/x.cpp"))
    assert layer_of_path("src/nn/linear.cpp") == "frontend"  # new folders land above autograd
    assert LAYERS.index(layer_of_include("ember/nn/linear.h")) > LAYERS.index(layer_of_path("src/ops/x.cpp"))


def test_cmake_runtime_folders_match_the_table():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r"set\(EMBER_RUNTIME_DIRS ([^)]*)\)", text)
    assert m, "CMakeLists.txt: set(EMBER_RUNTIME_DIRS ...) not found"
    assert m.group(1).split() == RUNTIME


def test_dispatch_header_does_not_pull_the_op_api():
    with open(os.path.join(ROOT, "include/ember/dispatch/dispatch.h"), encoding="utf-8") as fh:
        incs = INCLUDE.findall(fh.read())
    assert "ember/gen/functions.h" not in incs


def test_runtime_op_bodies_know_no_autograd_node():
    """The generated op bodies (libember_runtime) reach autograd only through the hooks."""
    import sys
    sys.path.insert(0, os.path.join(ROOT, "tools", "codegen"))
    import gen_cpp
    import schema
    from pathlib import Path
    body = gen_cpp.ops_cpp(schema.load(Path(ROOT) / "src" / "ops"))
    for needle in ("autograd_nodes.h", "ember/autograd/", "make_node", "generated::", "set_history"):
        assert needle not in body, needle
    assert "detail::g_record.add_pre" in body and "detail::g_record.add_post" in body
