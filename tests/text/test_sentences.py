import random
from pathlib import Path

import pytest

from factcheck.text.sentences import Span, split_sentences

SAMPLE = Path(__file__).resolve().parents[3] / "shared/samples/kazakhstan-abraham-accords.txt"


def texts(body):
    return [s.text for s in split_sentences(body)]


def assert_invariants(body):
    spans = split_sentences(body)
    last_end = 0
    for s in spans:
        assert isinstance(s, Span)
        assert body[s.start:s.end] == s.text
        assert s.start >= last_end
        assert s.start < s.end
        assert s.text == s.text.strip()
        last_end = s.end
    return spans


@pytest.mark.parametrize("body", ["", " ", "\n\n\n", " \t\r\n \u2029 "])
def test_sentences_empty_and_whitespace(body):
    assert split_sentences(body) == []


def test_sentences_two_simple():
    assert texts("The council met. It voted to close the pool.") == [
        "The council met.",
        "It voted to close the pool.",
    ]


def test_sentences_offsets_exact_with_leading_whitespace():
    body = "   The port reopened.   Ships queued offshore.  "
    spans = assert_invariants(body)
    assert [(s.start, s.end) for s in spans] == [(3, 21), (24, 46)]


def test_sentences_repeated_text_offsets_move_forward():
    body = "Yes. Yes. Yes.\n\nYes. Yes."
    spans = assert_invariants(body)
    assert [s.text for s in spans] == ["Yes."] * 5
    assert len({s.start for s in spans}) == 5


def test_sentences_blank_line_is_hard_boundary():
    body = "Budget Talks Stall\n\nLawmakers left without a deal on Friday"
    assert texts(body) == ["Budget Talks Stall", "Lawmakers left without a deal on Friday"]


def test_sentences_blank_line_with_spaces_is_hard_boundary():
    body = "The mayor spoke about\n   \t\nthe new tram line."
    assert texts(body) == ["The mayor spoke about", "the new tram line."]


def test_sentences_crlf_blank_line():
    body = "First paragraph here.\r\n\r\nSecond paragraph here."
    assert texts(body) == ["First paragraph here.", "Second paragraph here."]


def test_sentences_us_not_split():
    body = "Exports to the U.S. rose sharply in March. Imports fell."
    assert texts(body) == ["Exports to the U.S. rose sharply in March.", "Imports fell."]


def test_sentences_us_followed_by_lowercase_verb():
    body = "A free-trade deal with the U.S. provides cover for the reforms. Critics disagree."
    assert texts(body)[0] == "A free-trade deal with the U.S. provides cover for the reforms."


def test_sentences_titles_and_months():
    body = "Dr. Lena Ortiz spoke to Sen. Hall on Jan. 14 in Denver. Both declined to comment."
    assert texts(body) == [
        "Dr. Lena Ortiz spoke to Sen. Hall on Jan. 14 in Denver.",
        "Both declined to comment.",
    ]


def test_sentences_time_mid_sentence():
    body = "Polls close at 8 p.m. on Tuesday in most states. Counting starts then."
    assert texts(body) == [
        "Polls close at 8 p.m. on Tuesday in most states.",
        "Counting starts then.",
    ]


def test_sentences_time_with_timezone():
    body = "The launch is set for 10 a.m. ET on Thursday. It was delayed twice."
    assert texts(body) == ["The launch is set for 10 a.m. ET on Thursday.", "It was delayed twice."]


def test_sentences_approx_amount():
    body = "The stadium cost approx. $38 million to build. It opened in 2019."
    assert texts(body) == ["The stadium cost approx. $38 million to build.", "It opened in 2019."]


def test_sentences_decimal_money():
    body = "The group raised $4.5bn from investors. Its rival raised £1.2m."
    assert texts(body) == ["The group raised $4.5bn from investors.", "Its rival raised £1.2m."]


def test_sentences_straight_quote_end():
    body = 'The minister said: "We will not resign." Opposition members jeered.'
    assert texts(body) == ['The minister said: "We will not resign."', "Opposition members jeered."]


def test_sentences_curly_quote_end():
    body = "“Prices will fall next year.” The bank did not say by how much."
    assert texts(body) == ["“Prices will fall next year.”", "The bank did not say by how much."]


def test_sentences_single_curly_quote_end():
    body = "The spokesman said ‘no comment.’ Reporters then left the building."
    assert texts(body) == ["The spokesman said ‘no comment.’", "Reporters then left the building."]


def test_sentences_ellipsis_mid_sentence():
    body = "The figures were... disappointing, the chairman said. Shares slid."
    assert texts(body) == ["The figures were... disappointing, the chairman said.", "Shares slid."]


def test_sentences_em_dashes_stay_in_sentence():
    body = "The vote—held late on Tuesday—passed by two votes. Critics objected."
    assert texts(body) == ["The vote—held late on Tuesday—passed by two votes.", "Critics objected."]


def test_sentences_missing_space_after_full_stop():
    body = "The river burst its banks overnight.Residents were evacuated."
    assert texts(body) == ["The river burst its banks overnight.", "Residents were evacuated."]


def test_sentences_url_not_split():
    body = "Details are at www.example.org/Report.Html today. More follows."
    assert texts(body)[0] == "Details are at www.example.org/Report.Html today."


def test_sentences_question_and_exclamation():
    assert texts("Will rates rise? Nobody knows! The bank meets soon.") == [
        "Will rates rise?",
        "Nobody knows!",
        "The bank meets soon.",
    ]


def test_sentences_unicode_does_not_raise():
    body = "Президент выступил. 首相が発言した。 Emoji 🎉 here. \u0000odd\ud7ff text."
    assert_invariants(body)


def test_sentences_random_strings_keep_invariants():
    rng = random.Random(20251106)
    alphabet = list("abcXYZ .,!?;:\"'“”‘’…—-$0123456789\n\t ") + ["\n\n", "U.S.", "Dr.", "a.m.", "é", "中"]
    for _ in range(300):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        assert_invariants(body)


def test_sentences_random_sentences_cover_all_words():
    rng = random.Random(7)
    words = ["the", "Mayor", "said", "U.S.", "approx.", "$5", "10", "a.m.", "“quote.”", "Jan."]
    for _ in range(100):
        sentences = [
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) + rng.choice([".", "?", "!"])
            for _ in range(rng.randint(1, 5))
        ]
        body = rng.choice([" ", "\n\n", "  "]).join(sentences)
        spans = assert_invariants(body)
        joined = "".join(s.text for s in spans).replace(" ", "").replace("\n", "")
        assert joined == body.replace(" ", "").replace("\n", "")


def test_sentences_sample_article():
    if not SAMPLE.exists():
        pytest.skip("sample article not available")
    from factcheck.text.structure import detect_structure

    body = detect_structure(SAMPLE.read_text(encoding="utf-8")).body
    spans = assert_invariants(body)
    assert len(spans) == 17
    paragraphs = body.split("\n\n")
    counts = [len(split_sentences(p)) for p in paragraphs]
    assert counts == [4, 4, 3, 3, 3]
    assert any("U.S. access" in s.text for s in spans)
    assert any("with the U.S. provides" in s.text for s in spans)
    assert all(not s.text.startswith(("access", "provides")) for s in spans)


def test_sentences_locate_tolerates_whitespace_changes():
    from factcheck.text.sentences import _locate

    block = "One.  Two  words\nhere. Three."
    assert _locate(block, "Two words here.", 4) == (6, 22)
    assert block[6:22] == "Two  words\nhere."
    assert _locate(block, "Missing sentence.", 0) is None
