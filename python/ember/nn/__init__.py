"""ember.nn (this branch holds only the functional API; the Module system comes from the nnpy branch)."""
from . import functional  # noqa: F401
