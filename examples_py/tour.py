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

# Indexing (numpy's rules; slices are views, also with negative steps) and reductions.
m = ember.arange(12.0).reshape(3, 4)
print("m[::-1, 1:3] =", m[::-1, 1:3])
print("m[m > 5] =", m[m > 5])
print("max over dim 1:", m.max(dim=1))

# Autograd: the derivative of 3x^3 + 2x^2 - x + 5 is 9x^2 + 4x - 1.
x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = 3 * x**3 + 2 * x**2 - x + 5
y.sum().backward()
print("x.grad =", x.grad)

# Random numbers from the documented Philox stream (the same in C++).
ember.manual_seed(0)
print("rand:", ember.rand(3))
