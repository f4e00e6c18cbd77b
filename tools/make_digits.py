"""Writes data/digits.safetensors: scikit-learn's copy of the UCI optical handwritten digits (the demo's data).

    python tools/make_digits.py        # needs scikit-learn (and numpy); ember itself is not needed

The file holds `images` (uint8, 1797 x 8 x 8, values 0..16) and `labels` (int64, 1797) in the safetensors
format, written here by hand (an 8-byte little-endian header length, a JSON header, the raw bytes) so that
the script depends on nothing but numpy and scikit-learn. License of the data: data/README.md.
"""
import json
import pathlib
import struct

import numpy as np
from sklearn.datasets import load_digits


def write_safetensors(path: pathlib.Path, tensors: dict, metadata: dict) -> None:
    names = {np.dtype(np.uint8): "U8", np.dtype(np.int64): "I64"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the buffer starts 8-byte aligned
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main() -> None:
    d = load_digits()
    images = d.images.astype(np.uint8)
    assert (images == d.images).all() and images.max() == 16
    out = pathlib.Path(__file__).resolve().parent.parent / "data" / "digits.safetensors"
    write_safetensors(out, {"images": images, "labels": d.target.astype(np.int64)},
                      {"source": "scikit-learn load_digits (UCI optical recognition of handwritten digits)",
                       "license": "CC BY 4.0"})
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
