"""ember.nn.functional: PyTorch's functional API over ember's schema ops (the math lives in C++)."""
from ._functional.activation import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.misc import *  # noqa: F401,F403
from ._functional.norm import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
