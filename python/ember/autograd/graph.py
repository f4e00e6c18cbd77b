"""ember.autograd.graph: hooks on the tensors autograd saves for backward."""
from ember import _C


class saved_tensors_hooks:
    """Inside the block, every tensor saved for backward is passed to pack_hook(tensor), whose
    result is stored instead; in backward, unpack_hook(packed) must give the tensor back."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _C._push_saved_tensors_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *exc):
        _C._pop_saved_tensors_hooks()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Keeps saved tensors in CPU memory (moving them back to their device in backward)."""

    def __init__(self, pin_memory=False):
        def pack(t):
            return t.device, t.to("cpu")

        def unpack(packed):
            device, t = packed
            return t.to(device)

        super().__init__(pack, unpack)
