"""The project's own hard negatives (tests/data/matching_hard_negatives.json): for each new claim, its past claim
beside copies with one number, date or name changed. The desk's matcher (BM25 + the sentence vector, the same
ClaimIndex the pages use) must rank the true past claim first."""
import json
from pathlib import Path

from factcheck.text.claim_index import ClaimIndex
from factcheck.text.embedding import embed

CASES = json.loads((Path(__file__).parents[1] / "data" / "matching_hard_negatives.json").read_text())["cases"]


def test_the_set_has_at_least_100_pairs_with_hard_negatives():
    assert sum(1 + len(c["negatives"]) for c in CASES) >= 100


def test_the_true_past_claim_ranks_first_for_every_case():
    index = ClaimIndex()
    texts = [c["match"] for c in CASES] + [n for c in CASES for n in c["negatives"]]
    for key, (text, vector) in enumerate(zip(texts, embed(texts))):
        index.add(key, text, vector)
    wrong = []
    for key, (case, vector) in enumerate(zip(CASES, embed([c["query"] for c in CASES]))):
        best = index.rank(case["query"], vector, k=1)[0]
        if best.key != key:
            wrong.append((case["query"], texts[best.key]))
    assert not wrong, wrong
