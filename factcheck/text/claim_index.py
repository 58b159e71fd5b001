"""An in-memory index of past claims for matching: BM25 over each claim's words beside its sentence vector, one
slot per claim. Pure (no database): services/matching.py fills it from the stored vectors and keeps it current;
bench/matching.py measures the same object.

Vectors are kept small: each as its 512 signs packed in 64 bytes, and as 512 bytes (int8, with one float to scale
them back). A search scores every claim by its words and by the angle its signs give (two vectors' sign agreement
tracks the angle between them), keeps the best few hundred, and scores those again with their int8 vectors (within
0.002 of the float32 cosine). 100,000 claims take some 58 MB of vectors, where float32 alone would take 195.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from factcheck.text import matching
from factcheck.text.embedding import DIMENSIONS

POOL = 300            # claims re-scored with their int8 vectors, at least (and 20 for each one asked for)
_WORDS = DIMENSIONS // 64


@dataclass(frozen=True)
class Ranked:
    key: int              # the claim's id
    score: float          # the hybrid, after the number rule
    lexical: float        # BM25, scaled by the query's best
    cosine: float         # of the sentence vectors


def signs(vectors: np.ndarray) -> np.ndarray:
    """Each vector's signs, packed: (n, DIMENSIONS // 64) uint64."""
    return np.packbits(vectors > 0, axis=-1).view(np.uint64).reshape(len(vectors), _WORDS)


def quantise(vector: np.ndarray) -> tuple[np.ndarray, float]:
    top = float(np.abs(vector).max())
    scale = top / 127 if top > 0 else 1.0
    return np.round(vector / scale).astype(np.int8), scale


class ClaimIndex:
    """`words=False`: the candidates by words come from elsewhere (the database's full-text index,
    services/claim_words.py), handed to `rank` as `candidates`; the index keeps the words' counts (to score those
    candidates by BM25 as the postings would), each claim's text and its vectors."""

    def __init__(self, *, words: bool = True) -> None:
        self.lexical = matching.LexicalIndex() if words else None
        self.counts = None if words else matching.WordCounts()
        self._bits = np.zeros((1024, _WORDS), dtype=np.uint64)
        self._bytes = np.zeros((1024, DIMENSIONS), dtype=np.int8)
        self._scale = np.zeros(1024, dtype=np.float32)
        self._keys: list[int] = []
        self._texts: list[str] = []
        self._slot: dict[int, int] = {}
        self.lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, key: int) -> bool:
        return key in self._slot

    @property
    def dead(self) -> int:
        return len(self._keys) - len(self._slot)

    def reserve(self, size: int) -> None:
        """Room for `size` claims in all (a load that knows its count takes no more than it needs)."""
        with self.lock:
            if size <= len(self._scale):
                return

            def grown(a: np.ndarray) -> np.ndarray:
                out = np.zeros((size, *a.shape[1:]), dtype=a.dtype)
                out[:len(a)] = a
                return out

            self._bits, self._bytes, self._scale = grown(self._bits), grown(self._bytes), grown(self._scale)

    def add(self, key: int, text: str, vector: np.ndarray) -> None:
        """Index claim `key` (again: a claim already here is replaced)."""
        with self.lock:
            self.drop(key)
            if self.lexical is not None:
                position = self.lexical.add(text)
            else:
                position = len(self._keys)
                self.counts.add(text)
            if position >= len(self._scale):
                self.reserve(len(self._scale) * 3 // 2)
            vector = np.asarray(vector, dtype=np.float32)
            self._bits[position] = signs(vector[None, :])[0]
            self._bytes[position], self._scale[position] = quantise(vector)
            self._keys.append(key)
            self._texts.append(text)
            self._slot[key] = position

    def drop(self, key: int) -> None:
        with self.lock:
            position = self._slot.pop(key, None)
            if position is not None:
                if self.lexical is not None:
                    self.lexical.drop(position)
                else:
                    self.counts.drop(self._texts[position])
                self._bits[position] = 0
                self._bytes[position] = 0
                self._scale[position] = 0.0
                self._texts[position] = ""

    def text_of(self, key: int) -> str:
        return self._texts[self._slot[key]]

    def nbytes(self) -> int:
        """What the vectors take (the words' postings are counted by the benchmark, as resident memory)."""
        return self._bits.nbytes + self._bytes.nbytes + self._scale.nbytes

    def _cosine(self, positions: np.ndarray, vector: np.ndarray) -> np.ndarray:
        return (self._bytes[positions].astype(np.float32) @ vector) * self._scale[positions]

    def _words(self, text: str, candidates) -> np.ndarray:
        if self.lexical is not None:
            return self.lexical.scores(text)
        out = np.zeros(len(self._keys), dtype=np.float32)
        positions = [self._slot[key] for key in candidates or () if key in self._slot]
        if positions:
            out[positions] = self.counts.scores(text, [self._texts[p] for p in positions])
        return out

    def rank(self, text: str, vector: np.ndarray | None, *, k: int = 10, exclude=frozenset(),
             weight: float = matching.LEXICAL_WEIGHT, candidates=None) -> list[Ranked]:
        """The `k` best claims for `text` (whose sentence vector is `vector`; None = words only), best first.
        `candidates`: for an index made with `words=False`, the keys of the claims whose words are scored."""
        with self.lock:
            n = len(self._keys)
            if n == 0:
                return []
            lexical = self._words(text, candidates)
            top = float(lexical.max())
            scaled = lexical / top if top > 0 else lexical
            want = min(n, k * 3 + len(exclude))
            if vector is None:
                score = scaled
                pool = np.argpartition(-score, want - 1)[:want] if want < n else np.arange(n)
                cosine = np.zeros(len(pool), dtype=np.float32)
                final = score[pool]
            else:
                vector = np.asarray(vector, dtype=np.float32)
                differ = np.bitwise_count(self._bits[:n] ^ signs(vector[None, :])).sum(axis=1, dtype=np.int32)
                rough = matching.combine(scaled, np.cos(np.pi * differ / DIMENSIONS), weight=weight)
                size = min(n, max(POOL, 20 * k) + len(exclude))
                pool = np.argpartition(-rough, size - 1)[:size] if size < n else np.arange(n)
                cosine = self._cosine(pool, vector)
                final = matching.combine(scaled[pool], cosine, weight=weight)
                if want < len(pool):
                    best = np.argpartition(-final, want - 1)[:want]
                    pool, cosine, final = pool[best], cosine[best], final[best]
            picked = [(int(i), float(c), float(f)) for i, c, f in zip(pool, cosine, final)
                      if self._keys[i] in self._slot and self._slot[self._keys[i]] == i
                      and self._keys[i] not in exclude and f > 0]
            texts = [self._texts[i] for i, _, _ in picked]
            numbers = matching.penalise_numbers(text, texts, [f for _, _, f in picked])
            ranked = [Ranked(key=self._keys[i], score=s, lexical=float(scaled[i]), cosine=c)
                      for (i, c, _), s in zip(picked, numbers)]
            ranked.sort(key=lambda r: -r.score)
            return ranked[:k]
