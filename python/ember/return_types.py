"""Named tuples returned by ops with several results (PyTorch's torch.return_types)."""
from collections import namedtuple

max = namedtuple("max", ["values", "indices"])  # noqa: A001
min = namedtuple("min", ["values", "indices"])  # noqa: A001

__all__ = ["max", "min"]
