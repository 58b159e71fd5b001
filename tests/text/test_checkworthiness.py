"""Tests for factcheck.text.checkworthiness (example sentences written for these tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from factcheck.text import checkworthiness as cw
from factcheck.text.checkworthiness import DEFAULT_THRESHOLD, Assessment, assess, is_checkworthy

SAMPLE = Path(__file__).parents[3] / "shared/samples/kazakhstan-abraham-accords.txt"

FACTUAL = [
    "On November 6, 2025, the Republic of Kazakhstan formally declared its intention to become a "
    "signatory to the comprehensive Abraham Accords framework.",
    "This pivotal announcement was made during a high-level summit held in the United States, "
    "where President Donald Trump hosted the leaders of five Central Asian nations.",
    "Although Astana and Jerusalem established diplomatic relations back in 1992, experts suggest "
    "this recent step is intended to inject new momentum into the Abraham Accords initiative "
    "itself, which observers noted had somewhat stalled following the events of October 2023.",
    "President Trump emphasized the historical nature of the move, noting that Kazakhstan was the "
    "first country to formally join the format during his second presidential term, suggesting "
    "further expansion is anticipated along this diplomatic track.",
    "By participating in the agreements\u2014initially launched between 2020 and 2021 and already "
    "including the UAE, Bahrain, Morocco, and Sudan\u2014Astana positions itself as a vital bridge "
    "connecting the Middle East and Central Asia.",
    "The Trump administration, offering a clear alternative to China\u2019s Belt and Road "
    "Initiative, has already finalized trade agreements totaling $12.4 billion with the five "
    "Central Asian nations during the first six months of the second term.",
]
COMMENTARY = [
    "This decision signals a profound reorientation of Astana\u2019s foreign policy priorities and "
    "marks a significant geopolitical shift for the entire region.",
    "This alignment unlocks significant prospects for cooperation across various sectors, "
    "including defense, cybersecurity, energy technology, and advanced agritech.",
]


def cues(sentence: str) -> set[str]:
    return set(cw.features(sentence)[0])


# --- each cue fires on an example and not on a counter-example ------------------------------

CUE_CASES = [
    ("number", "The bridge carries 40,000 cars a day.", "The bridge carries many cars."),
    ("number", "Three hospitals closed that winter.", "Some hospitals closed that winter."),
    ("date", "The law was passed in March 2019.", "The law was passed quickly."),
    ("date", "Turnout fell in the 1990s.", "Turnout fell over time."),
    ("date", "Prices rose last year.", "Prices rose sharply."),
    ("money", "The council spent $3.5m on the stadium.", "The council spent a lot on the stadium."),
    ("money", "The deal is worth 2 billion euros.", "The deal is worth a great deal."),
    ("money", "Exports reached \u20ac40bn.", "Exports reached a peak."),
    ("percent", "Unemployment is at 4.2%.", "Unemployment is low."),
    ("percent", "Crime dropped 12 percent in the town.", "Crime dropped in the town."),
    ("title_org", "The Ministry of Health closed the clinic.", "the clinic closed its doors."),
    ("title_org", "Yesterday Senator Walsh voted against it.", "yesterday the senator voted no."),
    ("proper_noun", "Voters in Ohio backed the measure.", "Voters in the state backed the measure."),
    ("attribution", "The mayor said the tunnel had flooded.", "The tunnel had flooded."),
    ("evidence", "Census data show the town grew.", "The town grew."),
    ("record", "It was the wettest June on record.", "It was a wet June."),
    ("reported_opinion", "The senator said the plan was a disaster.", "The senator said the plan cost $4bn."),
    ("caveat", "The figures are provisional and may be revised.", "The figures were published."),
    ("attribution", "According to the police, nobody was hurt.", "Nobody was hurt."),
    ("comparison", "Wages rose faster than prices.", "Wages and prices moved."),
    ("comparison", "The deficit fell compared with 2010.", "The deficit was discussed."),
    ("comparison", "There are more than ten candidates.", "There are ten candidates."),
    ("superlative", "It is the largest dam in Africa.", "It is a dam in Africa."),
    ("superlative", "She was the first woman to lead the union.", "She led the union."),
    ("question", "Did the minister resign?", "The minister resigned."),
    ("hedge", "I think the figures might be wrong.", "The figures were wrong."),
    ("hedge", "The result perhaps signals a change.", "The result was announced."),
    ("evaluative", "It is a profound and significant moment.", "It is a moment."),
    ("evaluative", "The pact unlocks tangible prospects.", "The pact was signed."),
    ("prediction", "The factory will close next spring.", "The factory closed last spring."),
    ("prediction", "Sales are expected to slow.", "Sales slowed."),
    ("advice", "Parents should check the label.", "Parents checked the label."),
    ("advice", "The city must act now.", "The city acted then."),
    ("first_singular", "I voted for the bill.", "The senator voted for the bill."),
    ("first_plural", "We cut the tax in half.", "They cut the tax in half."),
    ("second_person", "You raised the fees.", "The board raised the fees."),
    ("short", "Thank you so much.", "The board raised the parking fees by a third in 2019."),
]


@pytest.mark.parametrize("cue,example,counter", CUE_CASES)
def test_cue_fires_on_example_not_counter_example(cue, example, counter):
    assert cue in cues(example)
    assert cue not in cues(counter)


def test_may_the_month_is_not_hedging():
    assert "hedge" not in cues("The vote was held on May 4.")
    assert "hedge" in cues("The vote may be delayed.")


def test_words_ending_in_est_are_not_all_superlatives():
    assert "superlative" not in cues("Protesters demanded an honest inquiry into interest rates.")


def test_first_word_capital_is_not_a_name():
    assert "proper_noun" not in cues("Nobody came to the meeting.")
    assert "proper_noun" not in cues("Yesterday I went home.")


def test_curly_quotes_and_dashes_are_normalised():
    straight = assess("The mayor's office said costs rose - to $4m - in 2020.")
    curly = assess("The mayor\u2019s office said costs rose\u2014to $4m\u2014in 2020.")
    assert straight.score == pytest.approx(curly.score)


# --- negative cues lower the score ----------------------------------------------------------

LOWERING = [
    ("The agency cut 300 jobs in 2019.", "Did the agency cut 300 jobs in 2019?"),
    ("The agency cut 300 jobs in 2019.", "I think the agency perhaps cut 300 jobs in 2019."),
    ("The agency cut 300 jobs.", "The agency will cut 300 jobs."),
    ("The agency cut 300 jobs.", "The agency should cut 300 jobs."),
]


@pytest.mark.parametrize("plain,lowered", LOWERING)
def test_negative_cues_lower_the_score(plain, lowered):
    assert assess(lowered).score < assess(plain).score


@pytest.mark.parametrize("sentence,reason", [
    ("Is the bridge safe?", "lowers: question"),
    ("The plan might perhaps work.", "lowers: opinion or hedging language"),
    ("The plant will reopen.", "lowers: prediction"),
    ("Drivers should slow down near the school.", "lowers: advice or an instruction"),
])
def test_negative_reasons_are_prefixed(sentence, reason):
    assert reason in assess(sentence).reasons


def test_model_weights_have_expected_signs():
    weights = cw._model().cues
    for name in ("number", "money", "percent", "attribution"):
        assert weights[name] > 0, name
    for name in ("date", "comparison", "superlative", "record"):
        assert weights[name] >= 0, name   # a lifting cue never lowers a score
    for name in ("question", "prediction", "advice"):
        assert weights[name] < 0, name
    for name in ("hedge", "evaluative", "reported_opinion", "caveat"):
        assert weights[name] <= 0, name   # a lowering cue never lifts one


# --- scores and reasons -----------------------------------------------------------------------

ODD_INPUTS = ["", "   ", "?", "$$$ %%%", "a" * 5000, "\u0422\u0430\u0442\u044c\u044f\u043d\u0430",
              "1 2 3 4 5 6 7 8 9 10", "Hello!!!"]


@pytest.mark.parametrize("text", ODD_INPUTS + FACTUAL + COMMENTARY)
def test_score_is_a_probability(text):
    a = assess(text)
    assert isinstance(a, Assessment)
    assert 0.0 <= a.score <= 1.0


def test_deterministic():
    sentence = "Officials said 1,200 homes lost power on Tuesday, the most since 2012."
    first = assess(sentence)
    for _ in range(5):
        again = assess(sentence)
        assert again.score == first.score
        assert again.reasons == first.reasons


def test_reasons_are_readable_and_ordered():
    a = assess("The Trade Ministry said exports rose 8% to $2 billion in 2023, the highest ever, "
               "but will they keep growing?")
    for expected in ("contains a number", "mentions a date", "money amount", "percentage",
                     "names an organisation or person", "attributed to a speaker or source",
                     "comparison or change", "lowers: question", "lowers: prediction"):
        assert expected in a.reasons
    lowers = [i for i, r in enumerate(a.reasons) if r.startswith("lowers: ")]
    positives = [i for i, r in enumerate(a.reasons) if not r.startswith("lowers: ")]
    assert max(positives) < min(lowers)
    assert len(a.reasons) == len(set(a.reasons))
    for reason in a.reasons:
        assert len(reason) < 80 and "_" not in reason


def test_learned_wording_is_one_plain_line_at_most():
    for sentence in FACTUAL + COMMENTARY + [
            "Unemployment among veterans fell by half, and the deficit dropped by a third."]:
        reasons = assess(sentence).reasons
        wording = [r for r in reasons if "wording" in r and "evaluative" not in r]
        assert wording in ([], [cw.WORDING_REASON], [cw.WORDING_LOWERS]), reasons
        assert not any("'" in r and "wording" in r for r in reasons)  # no quoted word lists


# --- the known faults of the earlier model (issue 12), each fixed -----------------------------

def test_reported_opinion_is_not_lifted_as_reported_fact():
    opinion = assess("The senator said the plan was a disaster.")
    fact = assess("The senator said the plan cost $4 billion.")
    assert "attributed to a speaker or source" not in opinion.reasons
    assert opinion.score < fact.score
    assert not is_checkworthy(opinion)


def test_a_methodological_caveat_is_not_lifted_by_a_number_or_a_year():
    caveat = assess("Figures for the latest quarter are provisional and may be revised.")
    assert "contains a number" not in caveat.reasons
    assert not is_checkworthy(caveat)
    assert "caveat" in cues("Figures for 2024 are provisional and may be revised.")


@pytest.mark.parametrize("sentence", ["The company doesn't pay tax in Ireland.",
                                      "Most of the town's residents don't own a car.",
                                      "The law does not apply to charities."])
def test_dont_in_a_plain_statement_is_not_advice(sentence):
    assert "advice" not in cues(sentence)
    assert not any("advice" in r for r in assess(sentence).reasons)


def test_an_imperative_dont_is_still_advice():
    assert "advice" in cues("Don't drink the tap water until Friday.")


def test_a_record_is_a_fact_not_an_evaluation():
    sentence = "The 1900 Galveston hurricane was among the deadliest storms on record."
    assert "evaluative" not in cues(sentence) and "record" in cues(sentence)
    a = assess(sentence)
    assert not any(r.startswith("lowers: evaluative") for r in a.reasons)
    assert is_checkworthy(a)


@pytest.mark.parametrize("sentence, cue, absent", [
    ("Trade rose in the first six months.", "superlative", True),
    ("Sales fell during the last two years.", "superlative", True),
    ("She was the first woman to lead the union.", "superlative", False),
    ("Turnout data show a fall.", "attribution", True),
])
def test_each_reason_is_true_of_the_sentence(sentence, cue, absent):
    assert (cue not in cues(sentence)) == absent


def test_scores_are_calibrated_probabilities_on_dev():
    """The model file records, per score band on the dev split, the share that was check-worthy."""
    data = json.loads(cw.MODEL_PATH.read_text(encoding="utf-8"))
    bands = data["provenance"]["dev"]["reliability"]
    for band in bands:
        if band["n"] >= 20:
            lo, hi = (float(x) for x in band["scores"].split("-"))
            assert lo - 0.15 <= band["share_checkworthy"] <= hi + 0.15, band


def test_no_reasons_for_empty_text():
    assert assess("").reasons == [] or all(r.startswith("lowers: ") for r in assess("").reasons)


def test_threshold():
    assert 0.0 < DEFAULT_THRESHOLD < 1.0
    assert is_checkworthy(Assessment(score=DEFAULT_THRESHOLD, reasons=[]))
    assert not is_checkworthy(Assessment(score=DEFAULT_THRESHOLD - 0.01, reasons=[]))
    assert is_checkworthy(Assessment(score=0.3, reasons=[]), threshold=0.2)
    assert not is_checkworthy(Assessment(score=0.3, reasons=[]), threshold=0.4)


def test_plain_claims_beat_plain_opinion():
    claims = ["The city hired 250 new teachers in 2021.",
              "Rents in the capital rose 9% last year, according to the statistics office.",
              "The company reported a loss of $40 million in the third quarter."]
    opinions = ["I really believe this is the right thing to do.",
                "What a wonderful evening it has been for all of us.",
                "We should all think carefully about what comes next."]
    for c in claims:
        assert is_checkworthy(assess(c)), c
    for o in opinions:
        assert not is_checkworthy(assess(o)), o


def test_scoring_many_at_once_gives_each_the_score_it_gets_alone():
    # Speed is bench/checkworthiness.py's to measure (beside its references, in one run); here: batching is exact.
    sentences = [s for pair in CUE_CASES for s in pair[1:]][:40]
    batch = cw.assess_many(sentences)
    alone = [cw.assess(s).score for s in sentences]
    assert [a.score for a in batch] == pytest.approx(alone, abs=1e-4)  # the embedding's float32 batches round


# --- the reference news article -------------------------------------------------------------

@pytest.mark.parametrize("sentence", FACTUAL)
def test_article_facts_are_checkworthy(sentence):
    assert is_checkworthy(assess(sentence))


@pytest.mark.parametrize("sentence", COMMENTARY)
def test_article_commentary_is_not_checkworthy(sentence):
    assert not is_checkworthy(assess(sentence))


def test_sample_article_file():
    if not SAMPLE.exists():
        pytest.skip(f"sample article not found at {SAMPLE}")
    text = SAMPLE.read_text(encoding="utf-8")
    for sentence in FACTUAL + COMMENTARY:
        prefix = sentence[:60]
        assert prefix in text, prefix
        # take the full sentence from the file (it may differ slightly from the inline copy)
        start = text.index(prefix)
        end = text.index(".", start + len(sentence) - 5) + 1
        found = text[start:end]
        assert is_checkworthy(assess(found)) == (sentence in FACTUAL), found
