"""The tree's own rules, checked on every test run: no hand-written file under src/, include/,
bindings/, python/, tools/ or benchmarks/ over 800 lines (generated code lives in build/); tests_py/
files named by area, not by history; tests_cpp/ mirroring src/ by layer (docs/adding_an_op.md)."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUDGET = 800
CHECKED = ["src", "include", "bindings", "python", "tools", "benchmarks"]
TEXT = (".cpp", ".h", ".py", ".pyi", ".yaml", ".sh", ".cmake", ".txt", ".md", ".in")


def files_under(top, exts):
    for dirpath, dirs, files in os.walk(os.path.join(ROOT, top)):
        dirs[:] = [d for d in dirs if d not in ("__pycache__",) and not d.startswith(".")]
        for f in files:
            if f.endswith(exts):
                yield os.path.join(dirpath, f)


def test_no_hand_written_file_over_the_size_budget():
    over = []
    for top in CHECKED:
        for path in files_under(top, TEXT):
            with open(path, encoding="utf-8", errors="replace") as fh:
                n = sum(1 for _ in fh)
            if n > BUDGET:
                over.append(f"{os.path.relpath(path, ROOT)}: {n} lines")
    assert not over, f"files over {BUDGET} lines (split them by family): {over}"


HISTORY_NAMES = re.compile(r"^test_(basics|misc|new|extra|more|old|issue\w*|fixes|regressions?|todo|tmp)\.py$|\d\.py$")


def test_python_tests_are_named_by_area():
    bad = [f for f in os.listdir(os.path.join(ROOT, "tests_py")) if f.startswith("test_") and HISTORY_NAMES.search(f)]
    assert not bad, f"test files named by history, not by area: {bad}"


def test_cpp_tests_mirror_src_layers():
    tests = os.path.join(ROOT, "tests_cpp")
    layers = set(os.listdir(os.path.join(ROOT, "src")))
    loose = [f for f in os.listdir(tests) if f.endswith(".cpp") and f != "main.cpp"]
    assert not loose, f"C++ tests outside a layer folder of tests_cpp/: {loose}"
    folders = [d for d in os.listdir(tests) if os.path.isdir(os.path.join(tests, d)) and d != "libs"]  # libs: loaded by tests
    assert folders and all(d in layers for d in folders), f"tests_cpp/ folders not named after src/ layers: {folders}"
