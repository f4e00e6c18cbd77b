"""grad_fn.register_prehook / register_hook and Variable._execution_engine.queue_callback."""
import pytest

import ember
from ember.autograd import Variable


def test_node_prehook_and_hook():
    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    y = x * 2
    seen = []

    def pre(grad_outputs):
        seen.append(("pre", len(grad_outputs)))
        return (grad_outputs[0] * 10,)

    def post(grad_inputs, grad_outputs):
        seen.append(("post", grad_outputs[0][0].item()))
        return None

    h = y.grad_fn.register_prehook(pre)
    y.grad_fn.register_hook(post)
    y.sum().backward(retain_graph=True)
    assert seen == [("pre", 1), ("post", 10.0)]
    assert x.grad.tolist() == [20, 20, 20]
    h.remove()
    h.remove()  # idempotent
    x.grad = None
    y.sum().backward()
    assert x.grad.tolist() == [2, 2, 2]


def test_node_hook_replaces_grad_inputs_and_checks_counts():
    x = ember.ones(2, dtype=ember.float64, requires_grad=True)
    y = x.exp()
    y.grad_fn.register_hook(lambda gi, go: (ember.full_like(gi[0], 7.0),))
    y.sum().backward()
    assert x.grad.tolist() == [7, 7]
    z = x * 3
    z.grad_fn.register_prehook(lambda go: (go[0], go[0]))
    with pytest.raises(ValueError, match="returned 2 gradients; expected 1"):
        z.sum().backward()
    w = x * 3
    w.grad_fn.register_prehook(lambda go: 5)
    with pytest.raises(TypeError, match="must return None or a tuple"):
        w.sum().backward()


def test_queue_callback():
    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass"):
        Variable._execution_engine.queue_callback(lambda: None)
    x = ember.ones(2, requires_grad=True)
    log = []

    def hook(g):
        log.append("hook")

        def cb():
            log.append(("cb", x.grad is not None))
            Variable._execution_engine.queue_callback(lambda: log.append("cb2"))

        Variable._execution_engine.queue_callback(cb)

    x.register_hook(hook)
    (x * 2).sum().backward()
    assert log == ["hook", ("cb", True), "cb2"]


def test_callback_errors_propagate():
    x = ember.ones(2, requires_grad=True)

    def hook(g):
        Variable._execution_engine.queue_callback(lambda: {}["nope"])

    x.register_hook(hook)
    with pytest.raises(KeyError):
        (x * 2).sum().backward()


def test_variable_legacy_constructor():
    t = ember.ones(2)
    assert Variable(t) is t
    v = Variable(t, requires_grad=True)
    assert v.requires_grad and not t.requires_grad
