"""The verification report as a reader gets it: HTML read back with an HTML parser, PDF with pypdf.

The scene: an article with a Cyrillic byline, two published claims (one citing a page archived by
the real capture job from a loopback site, with a screenshot when Chromium is there, and later
corrected), one claim in progress and one in review, both with a proposed verdict that must not show.
"""
from __future__ import annotations

import base64
import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from factcheck import jobs
from factcheck.archive.storage import LocalArchiveStore
from tests.builders import job_table
from factcheck.config import Settings
from factcheck.services.claim_views import ArticleReport, article_report
from factcheck.exports.report import render_report_html, render_report_pdf, screenshot_data_uris
from factcheck.models import Capture, Claim, Source
from factcheck.services import review
from factcheck.services import settings as newsroom
from tests.archive.loopback import Site
from tests.builders import article, claims_of
from tests.conftest import need
from tests.exports.conftest import ARTICLE_URL, Desk

BYLINE_NAME = "Татьяна Гуринович"
SOURCE_TITLE = "Отчёт совета о пароме"
BODY = ("Port Alder opened its new ferry terminal on May 2, 2025, at a cost of $31 million. "
        "The mayor said 4,200 passengers used it in the first week.\n\n"
        "The terminal replaced a 1962 building that flooded three times since 2010. "
        "The council borrowed $12 million from the state bank in 2023 to pay for it.")
HOSTILE_NOTE = "<script>alert('note')</script> & table 3"
CORRECTION = "The council revised the cost to $32 million."
GENERATED_AT = datetime(2025, 6, 1, 8, 15, tzinfo=timezone.utc)


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    return found if Path(found).is_file() else None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        need("Chromium", "no chromium binary on PATH or at /usr/bin/chromium")
    return path


class CyrillicDesk(Desk):
    """The conftest's Desk, on a four-claim article with a Cyrillic byline."""

    def __init__(self, session, people):
        self.session, self.people = session, people
        self.article = article(session, by=people["eve"], body=BODY)
        self.article.url, self.article.byline = ARTICLE_URL, f"By {BYLINE_NAME}"
        self.article.published_on = date(2025, 5, 3)
        session.add(self.article)
        session.commit()
        self._open = [c for c in claims_of(session, self.article) if c.status == "new"]
        assert len(self._open) == 4


@dataclass
class Scene:
    session: object
    desk: CyrillicDesk
    archive_dir: Path
    chromium: str | None         # set when the capture took a screenshot
    capture: Capture             # the archived capture cited by `corrected`
    corrected: Claim             # published, archived source, a correction
    plain: Claim                 # published, its source not archived yet
    in_progress: Claim
    in_review: Claim

    def report(self) -> ArticleReport:
        self.session.expire_all()
        return article_report(self.session, article_id=self.desk.article.id)

    def kw(self) -> dict:
        return {"publication": newsroom.publication(self.session), "scale": newsroom.rating_scale(self.session)}


def _republish_with_correction(session, people, c: Claim) -> None:
    eve, carl = people["eve"], people["carl"]
    review.transition(session, claim=c, to="in_progress", actor=eve, expected_version=c.version, comment=CORRECTION)
    session.commit()
    review.transition(session, claim=c, to="in_review", actor=carl, expected_version=c.version)
    review.transition(session, claim=c, to="published", actor=eve, expected_version=c.version)
    session.commit()


@pytest.fixture
def scene(session, people, engine, database_url, tmp_path) -> Scene:
    chromium = chromium_path()
    with Site() as site:
        site.html("/figures", "Council ferry figures", "The terminal cost 31 million dollars, table 3 shows.")
        settings = Settings.from_env({
            "FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
            "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_FETCH_TIMEOUT": "5",
            "FACTCHECK_SCREENSHOTS": "on" if chromium else "off", "FACTCHECK_CHROMIUM": chromium or "",
        }, instance_dir=tmp_path / "instance")
        tasks = job_table(engine, settings)

        desk = CyrillicDesk(session, people)
        corrected = desk.publish(url=site.url("/figures"), archived=False, rating="Mostly true",
                                 rationale="The council's table 3 gives $31 million.",
                                 claim_reviewed="The Port Alder ferry terminal cost $31 million.")
        src = session.exec(select(Source).where(Source.claim_id == corrected.id)).one()
        src.title, src.note = SOURCE_TITLE, HOSTILE_NOTE
        session.add(src)
        session.commit()
        cap = session.exec(select(Capture).where(Capture.source_id == src.id)).one()
        assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "done"
    _republish_with_correction(session, people, corrected)
    plain = desk.publish(url="https://stats.example.org/tickets", archived=False, rating="False",
                         rationale="Ticket sales show 2,950 passengers in the first week.")
    in_progress = desk.claim()
    review.assign(session, claim=in_progress, assignee=people["carl"], actor=people["eve"],
                  expected_version=in_progress.version)
    session.commit()
    review.propose_verdict(session, claim=in_progress, rating="Half true", rationale="DRAFT-PROGRESS reasoning",
                           actor=people["carl"], expected_version=in_progress.version)
    session.commit()
    in_review = desk.work(desk.claim(), archived=False, rating="Misleading", rationale="DRAFT-REVIEW reasoning")
    session.expire_all()
    cap = session.get(Capture, cap.id)
    assert cap.state == "done" and cap.sha256 and cap.warc_path
    assert bool(cap.screenshot_path) == bool(chromium), cap.reason
    return Scene(session=session, desk=desk, archive_dir=settings.archive_dir, chromium=chromium, capture=cap,
                 corrected=corrected, plain=plain, in_progress=in_progress, in_review=in_review)


def render(scene: Scene, **kw) -> str:
    report = scene.report()
    return render_report_html(report, generated_at=GENERATED_AT,
                              screenshots=screenshot_data_uris(report, store=LocalArchiveStore(scene.archive_dir)),
                              **scene.kw(), **kw)


def squash(text: str) -> str:
    return " ".join(text.split())


# -- HTML ----------------------------------------------------------------------------------------
def test_the_report_holds_every_published_fact_check_and_its_evidence(scene):
    html = render(scene)
    soup = BeautifulSoup(html, "html.parser")
    head = squash(soup.find("header").get_text(" "))
    assert "Ferry terminal opens" in head and ARTICLE_URL in head and BYLINE_NAME in head
    assert "3 May 2025" in head and "by Eve" in head  # a day is written as every other date of the desk
    published = soup.find(id="published")
    cards = {int(a["id"].split("-")[1]): a for a in published.find_all("article")}
    assert set(cards) == {scene.corrected.id, scene.plain.id}
    views = {v.claim.id: v for v in scene.report().published}

    for claim, rating, rationale in ((scene.corrected, "Mostly true", "The council's table 3 gives $31 million."),
                                     (scene.plain, "False", "Ticket sales show 2,950 passengers")):
        card = cards[claim.id]
        text = squash(card.get_text(" "))
        assert claim.text in text
        assert squash(card.find(class_="verdict").get_text(" ")).startswith(rating)
        assert rationale in text
        signed = views[claim.id].signed_off_at.replace(tzinfo=None)
        assert "Checked by Carl" in text and f"Signed off by Eve, {signed.day} {signed:%b %Y, %H:%M} UTC" in text

    corrected = squash(cards[scene.corrected.id].get_text(" "))
    assert "The Port Alder ferry terminal cost $31 million." in corrected   # the claim as restated
    assert CORRECTION in corrected
    assert SOURCE_TITLE in corrected and "supports" in corrected
    assert scene.capture.sha256 in corrected and scene.capture.final_url in corrected
    assert f"({4} of {5})" in corrected
    # The note is text, not markup: the only script in the document is the JSON-LD.
    assert HOSTILE_NOTE in corrected
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]
    assert "No archived copy yet" in squash(cards[scene.plain.id].get_text(" "))


def test_open_claims_are_listed_apart_without_a_verdict(scene):
    html = render(scene)
    soup = BeautifulSoup(html, "html.parser")
    section = soup.find(id="not-yet-verified")
    assert squash(section.find("h2").get_text()) == "Not yet verified"
    items = [squash(li.get_text(" ")).strip("\u201c\u201d") for li in section.find_all("li")]
    assert items == [scene.in_progress.text, scene.in_review.text]
    labels = [r["label"] for r in newsroom.rating_scale(scene.session)]
    section_text = squash(section.get_text(" ")).casefold()
    assert not [label for label in labels if label.casefold() in section_text]
    assert "DRAFT-" not in html and "Half true" not in html and "Misleading" not in html
    published = squash(soup.find(id="published").get_text(" "))
    assert scene.in_progress.text not in published and scene.in_review.text not in published


def test_claimreview_is_embedded_for_published_claims_only(scene):
    soup = BeautifulSoup(render(scene), "html.parser")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    reviews = data if isinstance(data, list) else [data]
    assert sorted(r["claimReviewed"] for r in reviews) == sorted(
        ["The Port Alder ferry terminal cost $31 million.", scene.plain.text])
    assert {r["reviewRating"]["alternateName"] for r in reviews} == {"Mostly true", "False"}
    # Who made the claims: the outlet (the article's site here), never the reporter in the byline.
    assert all(r["itemReviewed"]["author"] == {"@type": "Organization", "name": "news.example.org"} for r in reviews)


def test_the_document_stands_alone(scene):
    html = render(scene)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("link") is None and soup.find("iframe") is None
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:image/png;base64,"), tag
    style = soup.find("style").string
    assert "@import" not in style and "url(" not in style
    stacks = re.findall(r"font-family:\s*([^;]+);", style)
    assert stacks[0].strip() == '"DejaVu Sans", sans-serif'
    shots = soup.find_all("img", class_="shot")
    if scene.chromium:
        assert len(shots) == 1
        png = base64.b64decode(shots[0]["src"].split(",", 1)[1])
        assert png.startswith(b"\x89PNG") and png == (scene.archive_dir / scene.capture.screenshot_path).read_bytes()
    else:
        assert shots == []


def test_screenshots_missing_from_the_store_are_left_out(scene, tmp_path):
    assert screenshot_data_uris(scene.report(), store=LocalArchiveStore(tmp_path / "empty")) == {}


# -- PDF -----------------------------------------------------------------------------------------
def test_the_pdf_reads_back_with_every_verdict_and_the_cyrillic_byline(scene, tmp_path):
    from pypdf import PdfReader

    chromium = require_chromium()
    pdf = render_report_pdf(render(scene), chromium=chromium)
    assert pdf.startswith(b"%PDF")
    out = tmp_path / "report.pdf"
    out.write_bytes(pdf)
    reader = PdfReader(out)
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)   # A4
    text = squash(" ".join(page.extract_text() or "" for page in reader.pages))
    assert BYLINE_NAME in text and SOURCE_TITLE in text
    for claim in (scene.corrected, scene.plain):
        assert claim.text in text
    assert "Mostly true" in text and "False" in text and scene.capture.sha256 in text
    assert "Not yet verified" in text and scene.in_review.text in text
    assert "Half true" not in text and "Misleading" not in text
    fonts = {str(f) for page in reader.pages
             for f in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
             for f in [f.get_object().get("/BaseFont")]}
    assert any("DejaVuSans" in f for f in fonts), fonts


def test_the_pdf_needs_chromium():
    with pytest.raises(RuntimeError, match="Chromium is needed"):
        render_report_pdf("<p>x</p>", chromium="/nonexistent/chromium")
