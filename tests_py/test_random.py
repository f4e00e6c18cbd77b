"""Random sampling: the documented Philox stream, reproducibility, distributions, errors."""
import numpy as np
import pytest

import ember


def test_stream_is_stable_and_shared_with_cpp():
    # The same numbers are asserted by tests_cpp/ops/test_random.cpp: one stream in C++ and Python.
    ember.manual_seed(0)
    np.testing.assert_array_equal(ember.rand(6).numpy(), np.array(
        [0.3990464210510254, 0.9722411632537842, 0.01944941282272339, 0.7873677611351013, 0.9345361590385437,
         0.450326144695282], dtype=np.float32))
    ember.manual_seed(0)
    np.testing.assert_allclose(ember.randn(3, dtype=ember.float64).numpy(),
                               [-0.12151797595308224, -0.08187420991589178, 1.7764243331520433], rtol=1e-15)
    ember.manual_seed(7)
    assert ember.randint(0, 100, (5,)).numpy().tolist() == [12, 23, 24, 31, 22]


def test_reproducibility_generators_and_state():
    ember.manual_seed(123)
    a = ember.rand(1000)
    ember.manual_seed(123)
    b = ember.rand(1000)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ember.initial_seed() == 123
    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    np.testing.assert_array_equal(ember.randn(10, generator=g1).numpy(), ember.randn(10, generator=g2).numpy())
    assert g1.initial_seed() == 5
    s = ember.get_rng_state()
    x = ember.rand(50)
    ember.set_rng_state(s)
    np.testing.assert_array_equal(ember.rand(50).numpy(), x.numpy())
    # The split into threads never changes the numbers: element i uses counter offset + i.
    ember.manual_seed(9)
    big = ember.rand(200000).numpy()
    ember.manual_seed(9)
    first = ember.rand(100).numpy()
    np.testing.assert_array_equal(big[:100], first)
    with pytest.raises(TypeError):
        ember.rand(3, generator=5)


def test_distributions():
    ember.manual_seed(1)
    u = ember.rand(200000, dtype=ember.float64).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    n = ember.randn(200000).numpy()
    assert abs(n.mean()) < 0.01 and abs(n.std() - 1) < 0.01
    t = ember.empty(100000, dtype=ember.float64).uniform_(-2, 3)
    assert t.numpy().min() >= -2 and t.numpy().max() < 3
    m = ember.empty(100000).normal_(5, 0.5).numpy()
    assert abs(m.mean() - 5) < 0.01 and abs(m.std() - 0.5) < 0.01
    r = ember.randint(-3, 4, (100000,))
    assert r.dtype == ember.int64 and r.numpy().min() == -3 and r.numpy().max() == 3
    assert ember.randint(10, (3, 4), dtype=ember.int16).dtype == ember.int16
    p = ember.randperm(1000)
    assert sorted(p.numpy().tolist()) == list(range(1000)) and p.numpy().tolist() != list(range(1000))
    b = ember.bernoulli(ember.full((100000,), 0.3, dtype=ember.float64))
    assert set(np.unique(b.numpy())) <= {0.0, 1.0} and abs(b.numpy().mean() - 0.3) < 0.01
    for bad in (ember.rand(2, 3).half(), ember.rand(2, 3).bfloat16()):
        bad.uniform_()
        assert bad.float().numpy().max() < 1
    x = ember.zeros(5, dtype=ember.int32).random_(7)
    assert x.numpy().max() < 7


def test_multinomial():
    ember.manual_seed(3)
    w = ember.tensor([0.0, 1.0, 3.0, 0.0, 6.0])
    s = ember.multinomial(w, 20000, replacement=True).numpy()
    counts = np.bincount(s, minlength=5) / 20000
    np.testing.assert_allclose(counts, [0, 0.1, 0.3, 0, 0.6], atol=0.015)
    no = ember.multinomial(w, 3).numpy()
    assert sorted(no.tolist()) == [1, 2, 4]
    rows = ember.multinomial(ember.tensor([[1.0, 0.0], [0.0, 1.0]]), 1)
    assert rows.numpy().tolist() == [[0], [1]]
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        ember.multinomial(w, 4)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        ember.multinomial(w, 6)
    with pytest.raises(RuntimeError, match="element < 0"):
        ember.multinomial(ember.tensor([1.0, -1.0]), 1)


def test_errors():
    with pytest.raises(RuntimeError, match="from=2.0 > to=1.0|from=2 > to=1"):
        ember.empty(3).uniform_(2, 1)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        ember.empty(3).normal_(0, -1)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        ember.randint(5, 5, (2,))
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        ember.rand(2, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="p_in >= 0 && p_in <= 1"):
        ember.bernoulli(ember.tensor([1.5]))
    with pytest.raises(RuntimeError, match="randperm: n must be non-negative"):
        ember.randperm(-1)
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.normal_()
