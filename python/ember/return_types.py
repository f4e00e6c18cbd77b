"""Named tuples returned by ops with several results (PyTorch's torch.return_types)."""
from collections import namedtuple

max = namedtuple("max", ["values", "indices"])  # noqa: A001
min = namedtuple("min", ["values", "indices"])  # noqa: A001

__all__ = ["max", "min"]

cummax = namedtuple("cummax", ["values", "indices"])
cummin = namedtuple("cummin", ["values", "indices"])
kthvalue = namedtuple("kthvalue", ["values", "indices"])
median = namedtuple("median", ["values", "indices"])

__all__ += ["cummax", "cummin", "kthvalue", "median"]
