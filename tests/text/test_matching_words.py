"""The pure part of claim matching: words, numbers, names, BM25, the hybrid and the index."""
import numpy as np

from factcheck.text import matching
from factcheck.text.claim_index import ClaimIndex


def unit(*values):
    v = np.zeros(512, dtype=np.float32)
    v[:len(values)] = values
    return v / np.linalg.norm(v)


def test_words_leave_out_stopwords_and_keep_numbers_as_written():
    assert matching.tokens("The mayor's 7% raise is NOT 70%!") == ["mayor", "7%", "raise", "70%"]
    assert matching.numbers("4,200 passengers on May 2, 2025") == {"4200", "2", "2025"}


def test_names_are_capitalised_words_inside_a_sentence_and_acronyms():
    assert matching.names("The WHO says Port Alder is safe. Critics disagree.") >= {"WHO", "Port", "Alder"}
    assert "Critics" not in matching.names("The WHO says Port Alder is safe. Critics disagree.")


def test_overlap_names_shared_words_numbers_names_and_different_figures():
    o = matching.overlap("Port Alder's ferry cost $31 million", "The ferry in Port Alder cost 31 million dollars")
    assert o.numbers == ["31"] and "ferry" in o.words and o.names == ["Alder", "Port"]
    assert not o.numbers_differ
    assert matching.overlap("Unemployment rose 7%", "Unemployment rose 70%").numbers_differ


def test_bm25_prefers_rare_shared_words_and_dropped_documents_score_nothing():
    index = matching.LexicalIndex()
    a = index.add("the ferry terminal cost 31 million")
    b = index.add("the council met on tuesday about the budget")
    scores = index.scores("how much did the ferry terminal cost")
    assert scores[a] > scores[b] == 0
    index.drop(a)
    assert index.scores("ferry terminal")[a] == 0


def test_the_hybrid_is_in_unit_range():
    h = matching.hybrid(np.array([4.0, 2.0, 0.0]), np.array([0.5, 0.9, -0.2]), weight=0.5)
    assert h.max() <= 1 and h.min() >= 0 and h[0] == 0.75


def test_a_different_figure_ranks_below_the_same_figure():
    index = ClaimIndex()
    index.add(1, "Unemployment in Port Alder rose to 70% last year", unit(1, 0.1))
    index.add(2, "Unemployment in Port Alder rose to 7% last year", unit(1, 0.1))
    ranked = index.rank("Unemployment in Port Alder rose to 7% last year", unit(1, 0.1), k=2)
    assert [r.key for r in ranked] == [2, 1]
    assert ranked[1].score < ranked[0].score


def test_index_replaces_a_claim_and_leaves_out_excluded_ones():
    index = ClaimIndex()
    for key in range(1, 1500):  # past the first allocation of vectors
        index.add(key, f"claim number {key} about taxes", unit(1, key / 1500))
    index.add(7, "ferry terminal flooded", unit(0, 1))
    assert len(index) == 1499 and index.dead == 1
    ranked = index.rank("ferry terminal flooded", unit(0, 1), k=3, exclude={8})
    assert ranked[0].key == 7
    assert index.rank("ferry", None, k=3, exclude={7}) == []


def test_years_and_days_of_a_month_are_not_figures():
    assert matching.figures("On May 2, 2025 the ferry carried 4,200 people") == {"4200"}
    assert not matching.overlap("The plant closed in 1998", "The plant closed in 2004").numbers_differ


def test_the_small_vectors_rank_as_the_float32_cosine_would():
    """Signs for the first pass and int8 for the second: among 5,000 claims, five planted at cosines 0.9 down to
    0.5 from each query come back first, in order, with their cosine within 0.005."""
    rng = np.random.default_rng(3)

    def normed(a):
        return (a / np.linalg.norm(a, axis=-1, keepdims=True)).astype(np.float32)

    queries = normed(rng.normal(size=(10, 512)))
    vectors = [normed(rng.normal(size=(4950, 512)))]
    planted = []
    for q in queries:
        noise = normed(rng.normal(size=(5, 512)))
        noise = normed(noise - np.outer(noise @ q, q))             # at right angles to the query
        cos = np.array([0.9, 0.8, 0.7, 0.6, 0.5])[:, None]
        planted.append(normed(cos * q + np.sqrt(1 - cos ** 2) * noise))
    vectors = np.concatenate(vectors + planted)
    index = ClaimIndex()
    for key, v in enumerate(vectors):
        index.add(key, f"claim {key}", v)
    assert index.nbytes() < len(vectors) * 512 * 4 / 3   # a third of float32, at most
    for n, q in enumerate(queries):
        ranked = index.rank("words nothing shares", q, k=5, weight=0.0)
        assert [r.key for r in ranked] == list(range(4950 + 5 * n, 4955 + 5 * n))
        assert all(abs(r.cosine - float(vectors[r.key] @ q)) < 0.005 for r in ranked)


def test_words_alone_rank_without_vectors_and_an_index_can_reserve_room():
    index = ClaimIndex()
    index.reserve(10)
    index.add(1, "ferry terminal flooded", unit(0, 1))
    index.add(2, "library opens on Saturdays", unit(1, 0))
    assert [r.key for r in index.rank("flooded ferry", None, k=2)] == [1]


def test_the_telling_words_leave_out_only_what_thousands_of_claims_hold():
    counts = matching.WordCounts()
    for i in range(6000):
        counts.add(f"the council said the bridge {'ferry' if i < 50 else 'budget'}")
    counts.add("the lighthouse")
    words = counts.telling("council bridge budget ferry lighthouse harbour")
    # Rarest first, up to four even if common (budget: 5,950 claims, then bridge by name); council is left out;
    # harbour, held by no claim, has nothing to find.
    assert words == ["lighthouse", "ferry", "budget", "bridge"]
    small = matching.WordCounts()
    small.add("the council said the bridge repair cost millions")   # a small desk: every word it holds is asked
    assert set(small.telling("council bridge repair cost millions dollars")) == \
        {"council", "bridge", "repair", "cost", "millions"}
