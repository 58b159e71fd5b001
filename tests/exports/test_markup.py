"""A rationale's Markdown reads the same in the reports as on the claim page: rendered safely in HTML and PDF,
plain words in the CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup

from factcheck.exports.report import render_report_html, render_report_pdf
from factcheck.exports.tabular import csv_rows
from factcheck.services import settings as newsroom
from factcheck.services.claim_views import article_report
from factcheck.text.markup import markdown_html, markdown_plain
from tests.exports.conftest import BASE_URL

RATIONALE = ("The budget was **$12.4 billion**, not $14 billion: see _table 3_ of "
             "[the council report](https://council.example.org/budget).\n\n"
             "- 2024: $11.9 billion\n- 2025: $12.4 billion\n\n<script>alert(1)</script>")


def test_plain_text_keeps_the_words_and_the_link_address():
    assert markdown_plain("**$12.4 billion**") == "$12.4 billion"
    assert markdown_plain(RATIONALE) == (
        "The budget was $12.4 billion, not $14 billion: see table 3 of the council report "
        "(https://council.example.org/budget).\n\n- 2024: $11.9 billion\n- 2025: $12.4 billion\n\n"
        "<script>alert(1)</script>")
    assert markdown_plain("<https://x.example.org>") == "https://x.example.org"
    assert markdown_plain("") == "" and markdown_plain(None) == ""


def test_html_is_safe():
    html = markdown_html("**bold** <b>raw</b> [x](javascript:alert(1)) [ok](https://a.example.org)")
    assert "<strong>bold</strong>" in html and "&lt;b&gt;raw&lt;/b&gt;" in html
    assert 'href="javascript' not in html
    assert '<a rel="nofollow noopener noreferrer" href="https://a.example.org">ok</a>' in html


@pytest.fixture
def markdown_claim(desk):
    return desk.publish(rationale=RATIONALE)


def _report(desk) -> str:
    session = desk.session
    session.expire_all()
    return render_report_html(article_report(session, article_id=desk.article.id),
                              publication=newsroom.publication(session), scale=newsroom.rating_scale(session),
                              generated_at=datetime(2025, 6, 1, tzinfo=timezone.utc))


def test_the_html_report_renders_the_rationale_like_the_claim_page(desk, markdown_claim):
    soup = BeautifulSoup(_report(desk), "html.parser")
    rationale = soup.find(id=f"claim-{markdown_claim.id}").find(class_="rationale")
    assert rationale.find("strong").get_text() == "$12.4 billion"
    assert rationale.find("em").get_text() == "table 3"
    assert [li.get_text() for li in rationale.find_all("li")] == ["2024: $11.9 billion", "2025: $12.4 billion"]
    link = rationale.find("a")
    assert link["href"] == "https://council.example.org/budget" and "noreferrer" in link["rel"]
    assert "**" not in rationale.get_text()
    # Raw HTML is text, as on the claim page: the only script in the report is its JSON-LD.
    assert "<script>alert(1)</script>" in rationale.get_text()
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]


def test_the_pdf_report_prints_no_markup(desk, markdown_claim, tmp_path):
    from pypdf import PdfReader

    from tests.exports.test_report import require_chromium

    out = tmp_path / "report.pdf"
    out.write_bytes(render_report_pdf(_report(desk), chromium=require_chromium()))
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(out).pages).split())
    assert "The budget was $12.4 billion, not $14 billion" in text
    assert "**" not in text and "_table" not in text and "](https" not in text


def test_the_csv_holds_the_plain_words(desk, markdown_claim):
    [row] = list(csv.DictReader(io.StringIO("".join(csv_rows(desk.views([markdown_claim]), base_url=BASE_URL)))))
    assert row["rationale"] == markdown_plain(RATIONALE)
    assert "**" not in row["rationale"] and "(https://council.example.org/budget)" in row["rationale"]
