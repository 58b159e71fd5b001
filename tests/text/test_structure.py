from pathlib import Path

import pytest

from factcheck.text.structure import detect_structure, is_boilerplate, plain_structure

SAMPLE = Path(__file__).resolve().parents[3] / "shared/samples/kazakhstan-abraham-accords.txt"

ARTICLE = """\ufeffCity Council Approves New Tram Line After Decade of Delays\r
\r
By Maria Lindqvist | 12 March 2025\r
\r
The city council voted 31-12 on Tuesday to build a tram line linking the\u00a0harbour to the airport.\r
\r
Share this article\r
Facebook Twitter Email\r
\r
Supporters say the line will cut journey times by half. Opponents\r
point to the cost, put at approx. $1.2bn.\r
\r
Sign up for our newsletter\r
\r
Advertisement\r
\r
Construction is due to start in the spring of 2026.\r
\r
References:\r
\r
- Council minutes, 11 March 2025\r
\r
• Transport ministry feasibility study\r
\r
1. Harbour Authority annual report\r
\r
© 2025 Example Media Group\r
"""


def test_structure_sample_shaped_article():
    r = detect_structure(ARTICLE)
    assert r.title == "City Council Approves New Tram Line After Decade of Delays"
    assert r.byline == "Maria Lindqvist | 12 March 2025"  # stored without its credit word
    paragraphs = r.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The city council voted")
    assert "the harbour" in paragraphs[0]  # NBSP became a plain space
    assert paragraphs[1] == (
        "Supporters say the line will cut journey times by half. Opponents\n"
        "point to the cost, put at approx. $1.2bn."
    )
    assert paragraphs[2] == "Construction is due to start in the spring of 2026."
    assert r.sources == [
        "Council minutes, 11 March 2025",
        "Transport ministry feasibility study",
        "Harbour Authority annual report",
    ]
    assert r.boilerplate == [
        "Share this article",
        "Facebook Twitter Email",
        "Sign up for our newsletter",
        "Advertisement",
        "© 2025 Example Media Group",
    ]
    assert "\r" not in r.body and "\ufeff" not in r.body


def test_structure_no_structure_single_paragraph():
    text = "The ministry said on Monday that it would review the contract. No date was given."
    r = detect_structure(text)
    assert r.title == ""
    assert r.byline == ""
    assert r.body == text
    assert r.sources == [] and r.boilerplate == []


def test_structure_hard_wrapped_paragraph_has_no_title():
    text = "Officials in the region said\nthat flooding had forced hundreds\nfrom their homes."
    r = detect_structure(text)
    assert r.title == ""
    assert r.body == text


def test_structure_empty_input():
    r = detect_structure("   \n\n  ")
    assert (r.title, r.byline, r.body, r.sources, r.boilerplate) == ("", "", "", [], [])


def test_structure_body_paragraph_starting_with_by_is_not_byline():
    text = (
        "Markets Rally\n\nBy the end of trading on Friday, the index had gained 4%, "
        "its best week since 2020.\n\nAnalysts were surprised."
    )
    r = detect_structure(text)
    assert r.title == "Markets Rally"
    assert r.byline == ""
    assert r.body.startswith("By the end of trading")


def test_structure_long_paragraph_mentioning_boilerplate_words_is_kept():
    para = (
        "Readers who subscribe to the paper's newsletter on Facebook or Twitter were told "
        "that advertisement revenue had fallen, and that cookie banners cost money."
    )
    r = detect_structure("Headline Here\n\n" + para + "\n\nSecond paragraph follows.")
    assert para in r.body
    assert r.boilerplate == []


@pytest.mark.parametrize(
    "line",
    [
        "Did you find an error or inaccuracy?",
        "We will consider your comments as soon as possible.",
        "Report an error",
        "Related: Mayor resigns over expenses",
        "Read also: Five things to know about the vote",
        "READ MORE: Inflation eases for third month",
        "Photo: Reuters",
        "Image credit: Getty Images",
        "We use cookies to improve your experience.",
        "Copyright 2024 Example News. All rights reserved.",
        "Subscribe to The Morning Brief",
        "Facebook | X | WhatsApp | Copy link",
    ],
)
def test_structure_boilerplate_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell sharply on Monday.",
        "Shares in the company rose 5%.",
        "Updated figures show a 5% rise.",
        "Facebook said it would appeal.",
        "Related parties were not named.",
        "",
    ],
)
def test_structure_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_structure_sources_without_bullets():
    text = (
        "Storm Hits Coast\n\nThe storm made landfall at dawn.\n\nSources\n"
        "National Weather Service\nCoast Guard statement\n"
    )
    r = detect_structure(text)
    assert r.body == "The storm made landfall at dawn."
    assert r.sources == ["National Weather Service", "Coast Guard statement"]


def test_structure_sources_heading_in_prose_is_not_a_list():
    long = "x " * 200
    text = "Title Line\n\nFirst paragraph.\n\nSources\n\n" + long.strip()
    r = detect_structure(text)
    assert r.sources == []
    assert "Sources" in r.body


def test_structure_plain_structure():
    r = plain_structure("  One.\r\n\r\n\r\nTwo\nlines.  \r\n \r\nThree. ")
    assert r.body == "One.\n\nTwo\nlines.\n\nThree."
    assert (r.title, r.byline, r.sources, r.boilerplate) == ("", "", [], [])


def test_structure_real_sample():
    if not SAMPLE.exists():
        pytest.skip("sample article not available")
    r = detect_structure(SAMPLE.read_text(encoding="utf-8"))
    assert r.title == "Kazakhstan Joins Abraham Accords Amid US Summit Focused on Critical Minerals"
    assert r.byline == "Татьяна Гуринович"
    paragraphs = r.body.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("On November 6, 2025")
    assert paragraphs[3].startswith("This diplomatic maneuver")
    assert len(r.sources) == 6
    assert r.sources[0] == "News18"
    assert r.sources[-1] == "Kazakhstan to Join Abraham Accords"
    assert r.boilerplate == [
        "Did you find an error or inaccuracy?",
        "We will consider your comments as soon as possible.",
    ]


@pytest.mark.parametrize("line, names", [
    ("Edited by: Jonas Whitfield", "Jonas Whitfield"), ("By  Jane Doe", "Jane Doe"), ("BY Newsroom Staff", "Newsroom Staff"),
    ("Reporting by Reuters", "Reuters"), ("Author: Ann Lee", "Ann Lee"), ("— By Li Wei", "Li Wei"),
    ("Byron Bay", "Byron Bay"), ("Jane Doe", "Jane Doe"), ("By", "By"), ("", ""),
])
def test_byline_name_drops_the_credit_words(line, names):
    from factcheck.text.structure import byline_name

    assert byline_name(line) == names
