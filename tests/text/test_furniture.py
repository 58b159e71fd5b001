"""Page furniture is set aside, never scored: one test per kind, on lines the team wrote."""
import pytest

from factcheck.text.furniture import (furniture_kind, is_credit_line, is_date_line, is_heading_line,
                                      split_dateline)
from factcheck.text.sentences import split_sentences
from factcheck.text.structure import detect_structure


@pytest.mark.parametrize("line", [
    "Last updated: 6 May 2025",
    "Published 12 March 2024, 14:05",
    "Monday, April 6, 2009",
    "14:05 GMT",
    "2024-03-12 14:05",
    "Updated 3 hours ago",
    "Sun 4 Dec 2026 09.12 CET",
    "March 3rd, 2019 9:40 am",
    "First published on Tue 7 May 2024 16.00 BST",
])
def test_date_lines(line):
    assert is_date_line(line) or furniture_kind(line) == "date"
    assert furniture_kind(line) == "date"


@pytest.mark.parametrize("line", [
    "May the best team win",
    "On Monday, the council met at 14:05 and voted to close the pool.",
    "Updated figures show a 5% rise.",
    "2024 was the warmest year on record.",
    "Today",
])
def test_not_date_lines(line):
    assert furniture_kind(line) != "date"


@pytest.mark.parametrize("paragraph, dateline, rest", [
    ("WASHINGTON, March 3 (Reuters) - The Senate passed the bill.",
     "WASHINGTON, March 3 (Reuters) -", "The Senate passed the bill."),
    ("LONDON (AP) — Britain's economy grew 0.3% in the quarter.",
     "LONDON (AP) —", "Britain's economy grew 0.3% in the quarter."),
    ("Kyiv, Ukraine, 4 June (AFP) - Air raid sirens sounded overnight.",
     "Kyiv, Ukraine, 4 June (AFP) -", "Air raid sirens sounded overnight."),
    ("NEW YORK, Dec 4 - Stocks fell for a third day.", "NEW YORK, Dec 4 -", "Stocks fell for a third day."),
])
def test_dateline_is_split_off_the_first_sentence(paragraph, dateline, rest):
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize("paragraph", [
    "The Senate passed the bill on Monday (Reuters reported) - by two votes.",
    "Paris is the capital of France.",
])
def test_no_dateline(paragraph):
    assert split_dateline(paragraph) == ("", paragraph)


@pytest.mark.parametrize("line", [
    "3. Main points",
    "REMARKS BY THE PRESIDENT AT THE PRESS CONFERENCE",
    "Office of the Press Secretary",
    "What Happens Next",
    "Key findings",
    "II. Background",
])
def test_headings(line):
    assert is_heading_line(line)


@pytest.mark.parametrize("line", [
    "The council voted to close the pool.",
    "Officials in the region said that flooding had forced hundreds",
    "the minister told reporters on Monday",
    "Why did the minister resign?",
])
def test_not_headings(line):
    assert not is_heading_line(line)


@pytest.mark.parametrize("line", [
    "REUTERS/Kevin Lamarque",
    "AFP/J. Smith",
    "Getty Images",
    "Photo: AP Photo/Evan Vucci",
    "Image: Harrow Bay Council",
    "Protesters outside parliament on Monday. REUTERS/J. Name",
    "(EPA-EFE/A. Person)",
])
def test_captions_and_credits(line):
    assert is_credit_line(line)
    assert furniture_kind(line) == "caption"


@pytest.mark.parametrize("line", [
    "The deal was signed by the EU/Ukraine working group on Monday.",
    "Imagery from the satellite showed the damage.",
    "Getty said it would appeal.",
])
def test_not_captions(line):
    assert furniture_kind(line) != "caption"


def test_credit_is_one_unit_never_split_at_the_initial():
    r = detect_structure("Flood Waters Recede\n\nThe river fell 2 metres overnight.\n\n"
                         "Residents return home. REUTERS/J. Name\n\nSchools reopen on Monday.")
    assert "Residents return home. REUTERS/J. Name" in [f.text for f in r.furniture]
    assert "REUTERS" not in r.body
    assert [s.text for s in split_sentences(r.body)] == [
        "The river fell 2 metres overnight.", "Schools reopen on Monday."]


@pytest.mark.parametrize("line, kind", [
    ("Share this article", "share"),
    ("Facebook | X | WhatsApp | Copy link", "share"),
    ("Subscribe to The Morning Brief", "subscribe"),
    ("Sign up for our newsletter", "subscribe"),
    ("Already a subscriber? Log in", "subscribe"),
    ("By - Mar 3rd, 2019 9:40 am", "byline"),
    ("By |", "byline"),
])
def test_prompts_and_nameless_bylines(line, kind):
    assert furniture_kind(line) == kind


def test_headline_directly_above_the_body():
    r = detect_structure("Senate Passes Stopgap Bill to Avert Shutdown\n"
                         "The Senate passed a spending bill by 68 votes to 31 on Sunday.\n\n"
                         "It now goes to the House.")
    assert r.title == "Senate Passes Stopgap Bill to Avert Shutdown"
    assert r.body.startswith("The Senate passed")


def test_hard_wrapped_lines_starting_with_a_name_are_not_a_headline():
    text = "Officials said the prime minister met\nPresident Macron on Monday to discuss the\ntreaty."
    r = detect_structure(text)
    assert r.title == "" and r.body == text


COPIED_PAGE = """Home
Senate passes stopgap bill to avert shutdown
By - Mar 3rd, 2019 9:40 am
Last updated: 6 May 2025
WASHINGTON, March 3 (Reuters) - The U.S. Senate on Sunday passed a stopgap bill by 68 votes to 31.

Lawmakers on the Senate floor. REUTERS/J. Scott Applewhite

Share this article
Facebook Twitter Email

3. Main points

The bill funds the government until March 22. It includes $16 billion for disaster relief.

What Happens Next

The House is expected to vote on Monday, a spokesman said.

Monday, April 6, 2009

Subscribe to our daily briefing
"""


def test_copied_page_keeps_only_prose_in_the_body():
    r = detect_structure(COPIED_PAGE)
    assert r.title == "Senate passes stopgap bill to avert shutdown"
    assert r.body.split("\n\n") == [
        "The U.S. Senate on Sunday passed a stopgap bill by 68 votes to 31.",
        "The bill funds the government until March 22. It includes $16 billion for disaster relief.",
        "The House is expected to vote on Monday, a spokesman said.",
    ]
    kinds = {f.text: f.kind for f in r.furniture}
    assert kinds == {
        "Home": "heading",
        "By - Mar 3rd, 2019 9:40 am": "byline",
        "Last updated: 6 May 2025": "date",
        "WASHINGTON, March 3 (Reuters) -": "dateline",
        "Lawmakers on the Senate floor. REUTERS/J. Scott Applewhite": "caption",
        "Share this article": "share",
        "Facebook Twitter Email": "share",
        "3. Main points": "heading",
        "What Happens Next": "heading",
        "Monday, April 6, 2009": "date",
        "Subscribe to our daily briefing": "subscribe",
    }
    assert r.boilerplate == [f.text for f in r.furniture]


def test_transcript_office_names_are_headings():
    r = detect_structure("THE WHITE HOUSE\nOffice of the Press Secretary\n\nFor Immediate Release\n\n"
                         "REMARKS BY THE PRESIDENT\n\nTHE PRESIDENT: Thank you all for coming. "
                         "Unemployment fell to 3.9 percent last month.")
    assert r.body == "THE PRESIDENT: Thank you all for coming. Unemployment fell to 3.9 percent last month."
    assert {f.text for f in r.furniture} >= {"Office of the Press Secretary", "For Immediate Release",
                                            "REMARKS BY THE PRESIDENT"}


def test_a_page_of_only_headings_leaves_no_body_but_keeps_every_line():
    text = "World News\n\nMain Points\n\nWhat Happens Next\n\nKey Findings"
    r = detect_structure(text)
    assert r.body == ""
    kept = {r.title} | {f.text for f in r.furniture}
    assert kept >= {"Main Points", "What Happens Next", "Key Findings"}
