"""An in-memory index of past claims for matching: BM25 over each claim's words beside its sentence vector, one
slot per claim. Pure (no database): services/matching.py fills it from the stored vectors and keeps it current;
bench/matching.py measures the same object.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from factcheck.text import matching
from factcheck.text.embedding import DIMENSIONS


@dataclass(frozen=True)
class Ranked:
    key: int              # the claim's id
    score: float          # the hybrid, after the number rule
    lexical: float        # BM25, scaled by the query's best
    cosine: float         # of the sentence vectors


class ClaimIndex:
    def __init__(self) -> None:
        self.lexical = matching.LexicalIndex()
        self._vectors = np.zeros((1024, DIMENSIONS), dtype=np.float32)
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

    def add(self, key: int, text: str, vector: np.ndarray) -> None:
        """Index claim `key` (again: a claim already here is replaced)."""
        with self.lock:
            self.drop(key)
            position = self.lexical.add(text)
            if position >= len(self._vectors):
                grown = np.zeros((len(self._vectors) * 2, DIMENSIONS), dtype=np.float32)
                grown[:len(self._vectors)] = self._vectors
                self._vectors = grown
            self._vectors[position] = vector
            self._keys.append(key)
            self._texts.append(text)
            self._slot[key] = position

    def drop(self, key: int) -> None:
        with self.lock:
            position = self._slot.pop(key, None)
            if position is not None:
                self.lexical.drop(position)
                self._vectors[position] = 0.0
                self._texts[position] = ""

    def text_of(self, key: int) -> str:
        return self._texts[self._slot[key]]

    def rank(self, text: str, vector: np.ndarray | None, *, k: int = 10, exclude=frozenset(),
             weight: float = matching.LEXICAL_WEIGHT) -> list[Ranked]:
        """The `k` best claims for `text` (whose sentence vector is `vector`; None = words only), best first."""
        with self.lock:
            n = len(self._keys)
            if n == 0:
                return []
            lexical = self.lexical.scores(text)
            cosine = (self._vectors[:n] @ vector if vector is not None else np.zeros(n, dtype=np.float32))
            top = float(lexical.max())
            score = matching.hybrid(lexical, cosine, weight=weight if vector is not None else 1.0)
            want = min(n, k * 3 + len(exclude))
            best = np.argpartition(-score, want - 1)[:want] if want < n else np.arange(n)
            picked = [int(i) for i in best if self._keys[i] in self._slot and self._slot[self._keys[i]] == i
                      and self._keys[i] not in exclude and score[i] > 0]
            texts = [self._texts[i] for i in picked]
            final = matching.penalise_numbers(text, texts, [float(score[i]) for i in picked])
            ranked = [Ranked(key=self._keys[i], score=s, lexical=float(lexical[i]) / top if top > 0 else 0.0,
                             cosine=float(cosine[i])) for i, s in zip(picked, final)]
            ranked.sort(key=lambda r: -r.score)
            return ranked[:k]
