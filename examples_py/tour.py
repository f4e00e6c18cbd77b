"""A short tour of ember's tensor API from Python (the README's demo command runs it)."""
import numpy as np

import ember

x = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
print("x =", x)
z = x @ ember.ones(2, 2) + 1  # matmul, broadcasting with a Python scalar
print("x @ ones + 1 =", z)
y = x.T.reshape(4)  # views; reshape copies only when it must
print("x.T.reshape(4) =", y)
print("shape, dtype, device:", x.shape, x.dtype, repr(x.device))

a = np.arange(6.0).reshape(2, 3)
t = ember.from_numpy(a)  # no copy: writes show on both sides
a[0, 0] = 100.0
print("from_numpy shares memory:", t.numpy()[0, 0])
t.numpy()[1, 2] = -1.0
print("numpy() shares memory:", a[1, 2])

print("softmax:", ember.softmax(ember.arange(4, dtype=ember.float64), 0))
print("sum/mean:", x.sum(), x.mean(dim=0))
try:
    ember.ones(2, 3) + ember.ones(4)
except RuntimeError as e:
    print("a clear error:", e)
