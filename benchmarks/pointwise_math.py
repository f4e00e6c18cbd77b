"""The transcendental pointwise ops of ember (the functors of src/kernels/common/unary_ops.h) on
float32, per instruction set: the best one the CPU has (AVX-512 or AVX2), AVX2 (EMBER_SIMD=avx2) and
the scalar forms (EMBER_NO_SIMD=1), each in its own subprocess (the choice is made once per process).

    .venv/bin/python benchmarks/pointwise_math.py                  # 2^24 elements, new output, 2 threads
    .venv/bin/python benchmarks/pointwise_math.py --cache           # 2^13 elements, 1 thread: compute alone
    .venv/bin/python benchmarks/pointwise_math.py --isa best --ops exp,erf --threads 4

Prints the best of --reps runs in Gelem/s (median in parentheses), and `clone` for the memory's speed
(a new output of the same size, no math). Only the standard library is imported at module level."""
import argparse
import os
import subprocess
import sys

OPS = ["exp", "log", "tanh", "sigmoid", "silu", "erf", "gelu", "gelu_tanh"]
ISAS = {"best": {}, "avx2": {"EMBER_SIMD": "avx2"}, "scalar": {"EMBER_NO_SIMD": "1"}}

CHILD = r"""
import json, sys, time
import numpy as np
import ember
n, threads, reps, ops = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
ember.set_num_threads(threads)
r = np.random.default_rng(0).standard_normal(n).astype(np.float32)
x, xp = ember.from_numpy(r), ember.from_numpy(np.abs(r) + np.float32(1e-3))
fns = {"clone": lambda: x.clone(), "exp": lambda: ember.exp(x), "log": lambda: ember.log(xp),
       "tanh": lambda: ember.tanh(x), "sigmoid": lambda: ember.sigmoid(x), "silu": lambda: ember.silu(x),
       "erf": lambda: ember.erf(x), "gelu": lambda: ember.gelu(x),
       "gelu_tanh": lambda: ember.gelu(x, approximate="tanh")}
out = {}
for name in ["clone"] + ops:
    f = fns[name]
    f(); f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); y = f(); ts.append(time.perf_counter() - t); del y
    ts.sort()
    out[name] = (n / ts[0] / 1e9, n / ts[len(ts) // 2] / 1e9)
print(json.dumps(out))
"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ops", default=",".join(OPS), help="comma-separated subset of " + ",".join(OPS))
    p.add_argument("--isa", default="best,avx2,scalar", help="comma-separated subset of best,avx2,scalar")
    p.add_argument("--threads", type=int, default=None, help="default: 2 (1 with --cache)")
    p.add_argument("--n", type=int, default=None, help="elements (default 2^24, 2^13 with --cache)")
    p.add_argument("--cache", action="store_true", help="small input, one thread: the compute alone")
    p.add_argument("--reps", type=int, default=None, help="timed runs per op (default 15, 400 with --cache)")
    a = p.parse_args()
    n = a.n or (1 << 13 if a.cache else 1 << 24)
    threads = a.threads or (1 if a.cache else 2)
    reps = a.reps or (400 if a.cache else 15)
    import json
    results = {}
    for isa in a.isa.split(","):
        env = {k: v for k, v in os.environ.items() if k not in ("EMBER_SIMD", "EMBER_NO_SIMD")}
        env.update(ISAS[isa])
        res = subprocess.run([sys.executable, "-c", CHILD, str(n), str(threads), str(reps), a.ops], env=env,
                             check=True, capture_output=True, text=True)
        results[isa] = json.loads(res.stdout)
    isas = list(results)
    print(f"float32, {n} elements, {threads} thread(s), Gelem/s: best of {reps} (median)")
    print(f"{'op':10s}" + "".join(f"{i:>18s}" for i in isas))
    for name in ["clone"] + a.ops.split(","):
        print(f"{name:10s}" + "".join(f"{results[i][name][0]:>10.2f} ({results[i][name][1]:5.2f})" for i in isas))


if __name__ == "__main__":
    main()
