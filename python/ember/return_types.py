"""Named tuples returned by ops with named results (PyTorch's torch.return_types): the struct sequence
types the generated bindings create, e.g. return_types.max for max(dim) and return_types.sort."""
from ember import _C

globals().update(_C._return_types)
__all__ = sorted(_C._return_types)
