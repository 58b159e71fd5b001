"""Stored XSS: hostile text in every field a person can type, shown on every page and in every export.

The desk is driven twice through its own forms: once with harmless words, once with script and
markup payloads in the same fields. Every page of the hostile run must have exactly the elements
(scripts, images, textareas ...) of the harmless run: a payload may only ever appear as text.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text as sql
from sqlmodel import SQLModel, Session, select

from factcheck import jobs
from factcheck.models import Article, Capture, Claim, Source, User
from factcheck.services import tokens as token_service
from tests.builders import job_table
from tests.conftest import PASSWORD, Client

MARKUP = "'\"><img src=x onerror=alert(1)></textarea></title></script><script>alert(1)</script>"
# A valid http(s) address (no spaces) that still carries markup: it must stay inside its attribute.
HOSTILE_URL = "https://evil.example.org/a?q=%22%3E&x=\"><script>alert(1)</script>&y='onmouseover=alert(1)"
BENIGN_URL = "https://news.example.org/2025/05/ferry-terminal"
JS_URL = "javascript:alert(1)"
# Markdown in a comment: every one of these must come out as text or as a harmless link.
MARKDOWN_TRAPS = ("\n\n[click](javascript:alert(1)) [x](JaVaScRiPt:alert(1)) [e](&#106;avascript:alert(1)) "
                  "![i](javascript:alert(1)) <javascript:alert(1)> <a href=\"javascript:alert(1)\">a</a> "
                  "[d](vbscript:msgbox(1)) [h](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LEAD = {"claim": "+", "rationale": "-", "restated": "@"}   # the rest start with "="

FIELDS = ("title", "byline", "body", "boiler", "srclist", "claim", "srctitle", "srcnote", "comment", "rationale",
          "restated", "display", "org", "token", "dismiss", "reject", "correct", "captitle", "capreason")
# Elements whose number a payload must never change, page by page.
COUNTED = ("script", "img", "iframe", "object", "embed", "textarea", "form", "input", "svg", "style", "link",
           "meta", "base", "title", "select", "button")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")


def marker(field: str) -> str:
    return f"{field}{{{{7*7}}}}"


def hostile(field: str) -> str:
    return f"{LEAD.get(field, '=')}{marker(field)}{MARKUP}"


def benign(field: str) -> str:
    return f"{field} in plain words"


# ------------------------------------------------------------------------------------------- helpers


def wipe(engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(sql(f'DELETE FROM "{t}"'))


def login(app, username: str) -> Client:
    c = Client(app.test_client())
    resp = c.login(username)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return c


def ok(resp, status=302):
    assert resp.status_code == status, resp.get_data(as_text=True)[:3000]
    return resp


class Run:
    """One pass over the desk with the given texts; `pages` and `exports` collect what it rendered."""

    def __init__(self, app, engine, password_hash, texts: dict[str, str], *, url: str):
        self.app, self.engine, self.t, self.url = app, engine, texts, url
        self.pages: dict[str, str] = {}
        self.exports: dict[str, bytes] = {}
        self.ids: dict[str, int] = {}
        with Session(engine) as s:
            for name, role in [("ada", "admin"), ("eve", "editor")]:
                s.add(User(username=name, role=role, password_hash=password_hash, display_name=name.title()))
            s.commit()

    def version(self, claim_id: int) -> str:
        with Session(self.engine) as s:
            return str(s.get(Claim, claim_id).version)

    def status(self, who: Client, claim_id: int, to: str, reason: str = ""):
        return ok(who.post(f"/claims/{claim_id}/status", {"version": self.version(claim_id), "to": to,
                                                           "reason": reason}))

    def page(self, name: str, who: Client, url: str) -> None:
        self.pages[name] = ok(who.get(url), 200).get_data(as_text=True)

    def drive(self) -> "Run":
        t, app = self.t, self.app
        ada, eve = login(app, "ada"), login(app, "eve")

        # Admin: newsroom settings, a checker with a chosen full name, an API token with a name.
        ok(ada.post("/admin/settings", {"threshold": "0.05", "min_sources": "1", "four_eyes": "y",
                                        "org_name": t["org"], "org_url": "https://desk.example.org/",
                                        "review_url": "https://desk.example.org/checks/{claim_id}"}))
        refused = ada.post("/admin/settings", {"threshold": "0.5", "min_sources": "1", "four_eyes": "y",
                                               "org_name": t["org"], "org_url": JS_URL,
                                               "review_url": "javascript:alert({claim_id})"})
        self.pages["admin settings, refused input kept"] = ok(refused, 422).get_data(as_text=True)
        ok(ada.post("/admin/users", {"username": "mallory", "display_name": t["display"], "role": "checker",
                                     "password": PASSWORD}))
        refused = ada.post("/admin/users", {"username": "x", "display_name": t["display"], "role": "checker"})
        self.pages["admin users, refused input kept"] = ok(refused, 422).get_data(as_text=True)
        with Session(self.engine) as s:
            mallory_id = s.exec(select(User.id).where(User.username == "mallory")).one()
        ok(ada.post("/admin/tokens", {"user": str(mallory_id), "name": t["token"]}))
        mal = login(app, "mallory")

        # Intake: paste, review the structure, confirm (and once with an error, the input kept).
        body = (f"{t['body']} The council said the terminal cost $31 million in 2025.\n\n"
                "The mayor said 4,200 passengers used it in the first week of May 2025.\n\n"
                "Critics said 12 ferries were late in May 2025.\n\n"
                "The old building flooded 3 times since 2010, costing $2 million.")
        pasted = eve.post("/articles/new", {"title": t["title"], "byline": t["byline"], "url": self.url,
                                            "body": body, "plain": "y"})
        self.pages["paste, structure review"] = ok(pasted, 200).get_data(as_text=True)
        form = {"title": t["title"], "url": self.url, "byline": t["byline"], "published_on": "2025-05-03",
                "body": body, "sources": t["srclist"] + "\nPort Alder council", "boilerplate": t["boiler"]}
        refused = eve.post("/articles/confirm", {**form, "url": JS_URL})
        self.pages["confirm, refused input kept"] = ok(refused, 422).get_data(as_text=True)
        created = ok(eve.post("/articles/confirm", form))
        article_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
        with Session(self.engine) as s:
            claims = s.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.start)).all()
            assert all(c.status == "new" for c in claims)
            by_words = {w: next(c.id for c in claims if w in c.text) for w in ("4,200", "12 ferries", "flooded")}
        a, b, c = by_words["4,200"], by_words["12 ferries"], by_words["flooded"]
        self.ids.update(article=article_id, published=a, dismissed=b, open=c)

        # Claim a: reworded, worked, sent back, published, corrected and published again.
        ok(eve.post(f"/claims/{a}/wording", {"version": self.version(a), "text": t["claim"]}))
        ok(eve.post(f"/claims/{a}/assign", {"version": self.version(a), "assignee": str(mallory_id),
                                            "due": "2030-01-01"}))
        js_source = mal.post(f"/claims/{a}/sources", {"url": JS_URL, "title": t["srctitle"], "stance": "supports",
                                                      "note": t["srcnote"]})
        self.pages["claim page, refused source kept"] = ok(js_source, 422).get_data(as_text=True)
        ok(mal.post(f"/claims/{a}/sources", {"url": self.url, "title": t["srctitle"], "stance": "supports",
                                             "note": t["srcnote"]}))
        with Session(self.engine) as s:
            assert s.exec(select(Source).where(Source.url.like("%javascript:%"))).all() == []
            cap = s.exec(select(Capture).join(Source, Capture.source_id == Source.id)
                         .where(Source.claim_id == a)).one()
            # What a cited site says about itself (its <title>, its error text) is hostile input too.
            cap.state, cap.final_url, cap.sha256, cap.title, cap.reason = (
                "done", self.url + "&final", "ab" * 32, t["captitle"], t["capreason"])
            cap.warc_path, cap.text_path, cap.screenshot_path = "w/1.warc.gz", "t/1.txt", "s/1.png"
            cap.captured_at = datetime(2025, 5, 4, 9, 30, tzinfo=timezone.utc)
            s.add(cap)
            shot = self.app.extensions["factcheck.settings"].archive_dir / "s" / "1.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            shot.write_bytes(PNG)
            s.commit()
        ok(mal.post(f"/claims/{a}/verdict", {"version": self.version(a), "rating": "Mostly true",
                                             "rationale": t["rationale"], "claim_reviewed": t["restated"]}))
        ok(mal.post(f"/claims/{a}/comments", {"body": t["comment"] + MARKDOWN_TRAPS}))
        self.status(mal, a, "in_review")
        self.status(eve, a, "in_progress", t["reject"])
        self.status(mal, a, "in_review")
        self.status(eve, a, "published")
        self.status(eve, a, "in_progress", t["correct"])
        self.status(mal, a, "in_review")
        self.status(eve, a, "published")
        # Claim b: dismissed with a reason. Claim c: in mallory's hands, with a verdict form re-shown.
        self.status(eve, b, "dismissed", t["dismiss"])
        ok(eve.post(f"/claims/{c}/assign", {"version": self.version(c), "assignee": str(mallory_id)}))
        kept = mal.post(f"/claims/{c}/verdict", {"rating": "False", "rationale": t["rationale"],
                                                 "claim_reviewed": t["restated"]})  # no version: refused
        self.pages["claim page, refused verdict kept"] = ok(kept, 422).get_data(as_text=True)

        # Exports from the UI (built the way the background worker builds them) and from the API.
        export = ok(eve.post("/exports/", {"article_id": str(article_id), "format": "html"}))
        export_id = int(export.headers["Location"].rstrip("/").split("/")[-1])
        settings = app.extensions["factcheck.settings"]
        assert job_table(self.engine, settings)[jobs.BUILD_EXPORT](export_id) == "done"
        self.exports["ui html report"] = ok(eve.get(f"/exports/{export_id}/download"), 200).get_data()
        with Session(self.engine) as s:
            raw = token_service.create_token(s, user=s.exec(select(User).where(User.username == "eve")).one(),
                                             name="export reader")[1]
            s.commit()
        api = app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        for fmt in ("html", "claimreview", "csv", "json", "bundle"):
            resp = ok(api.get(f"/api/v1/articles/{article_id}/report?format={fmt}", headers=headers), 200)
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            if fmt != "html":
                assert "html" not in resp.mimetype, (fmt, resp.mimetype)
            self.exports[fmt] = resp.get_data()
        for fmt in ("csv", "json", "claimreview"):
            resp = ok(api.get(f"/api/v1/claims/export?format={fmt}&status=all", headers=headers), 200)
            self.exports[f"queue {fmt}"] = resp.get_data()

        for name, who, url in [
            ("articles list", eve, "/articles/"), ("article page", eve, f"/articles/{article_id}"),
            ("claim page, published", eve, f"/claims/{a}"), ("claim page, as its checker", mal, f"/claims/{a}"),
            ("claim page, dismissed", eve, f"/claims/{b}"), ("claim page, open", mal, f"/claims/{c}"),
            ("queue", eve, "/queue"), ("queue, every status", eve, "/queue?status=all"),
            ("queue, searched", eve, "/queue?status=all&q=claim"),
            ("queue, hostile search echoed", eve, "/queue?status=all&q=%3Cscript%3Ealert(1)%3C/script%3Ezz"),
            ("my work", mal, "/my-work"), ("workload", eve, "/workload"), ("dashboard", eve, "/dashboard"),
            ("admin users", ada, "/admin/users"), ("admin tokens", ada, "/admin/tokens"),
            ("admin settings", ada, "/admin/settings"), ("exports list", eve, "/exports/"),
            ("export page", eve, f"/exports/{export_id}"),
        ]:
            self.page(name, who, url)
        self.pages["html report"] = self.exports["html"].decode("utf-8")
        self.pages["ui html report"] = self.exports["ui html report"].decode("utf-8")
        with zipfile.ZipFile(io.BytesIO(self.exports["bundle"])) as zf:
            self.pages["bundle report.html"] = zf.read("report.html").decode("utf-8")
        return self


# What each page must show of the hostile texts (as text or as a form field's value): proof that the
# payloads really reached the page, so the absence of markup is not an accident of the test.
SHOWN = {
    "paste, structure review": ("title", "byline", "body"),
    "confirm, refused input kept": ("title", "byline", "body", "srclist", "boiler"),
    "articles list": ("title",),
    "article page": ("title", "byline", "body", "srclist", "claim", "dismiss"),
    "claim page, published": ("title", "claim", "srctitle", "srcnote", "comment", "rationale", "restated",
                              "display", "reject", "correct", "captitle"),
    "claim page, as its checker": ("display",),
    "claim page, dismissed": ("dismiss",),
    "claim page, open": ("display",),
    "claim page, refused verdict kept": ("rationale", "restated"),
    "claim page, refused source kept": ("srctitle", "srcnote"),
    "queue, every status": ("title", "claim", "display"),
    "queue, searched": ("claim",),
    "my work": ("display",),
    "workload": ("display",),
    "dashboard": ("display",),
    "admin users": ("display",),
    "admin users, refused input kept": ("display",),
    "admin tokens": ("token",),
    "admin settings": ("org",),
    "admin settings, refused input kept": ("org",),
    "html report": ("org", "title", "byline", "claim", "restated", "rationale", "srctitle", "srcnote", "correct",
                    "display"),
}


_RUNS: dict[str, tuple[Run, Run]] = {}


@pytest.fixture
def runs(app, engine, password_hash, database_url):
    """Both passes, driven once per database: what they rendered is kept, the tests only read it."""
    if database_url not in _RUNS:
        harmless = Run(app, engine, password_hash, {f: benign(f) for f in FIELDS}, url=BENIGN_URL).drive()
        wipe(engine)
        attacked = Run(app, engine, password_hash, {f: hostile(f) for f in FIELDS}, url=HOSTILE_URL).drive()
        _RUNS[database_url] = (harmless, attacked)
    return _RUNS[database_url]


def _counts(soup) -> dict[str, int]:
    return {name: len(soup.find_all(name)) for name in COUNTED}


def _visible(soup) -> str:
    """The page's text plus every attribute value, entities decoded: what a reader can see or edit."""
    values = [v if isinstance(v, str) else " ".join(v) for el in soup.find_all(True) for v in el.attrs.values()]
    return soup.get_text() + "\n" + "\n".join(values)


def _scheme(value: str) -> str:
    return re.sub(r"[\x00-\x20]", "", value).lower()


def assert_inert(name: str, page: str) -> None:
    low = page.lower()
    assert "<script>alert" not in low, name
    assert "<img src=x" not in low, name
    assert "<svg onload" not in low and "<a href=\"javascript" not in low, name
    soup = BeautifulSoup(page, "html.parser")
    for el in soup.find_all(True):
        handlers = [attr for attr in el.attrs if attr.lower().startswith("on")]
        assert not handlers, f"{name}: <{el.name}> has event handler attributes {handlers}"
        for attr in URL_ATTRS:
            value = el.get(attr)
            if isinstance(value, str):
                assert not _scheme(value).startswith(("javascript:", "vbscript:", "data:text")), \
                    f"{name}: <{el.name} {attr}={value!r}>"
    for script in soup.find_all("script"):
        kind = (script.get("type") or "").lower()
        if kind == "application/ld+json":
            content = script.string or ""
            assert "</script" not in content.lower() and "<!--" not in content and "<" not in content, name
            json.loads(content)  # the structured data stays valid JSON
        else:
            assert script.get("src") and not (script.string or "").strip(), f"{name}: inline script {script}"


def test_every_page_renders_hostile_text_as_text(runs):
    harmless, attacked = runs
    assert set(harmless.pages) == set(attacked.pages)
    for name in sorted(attacked.pages):
        assert_inert(name, harmless.pages[name])
        assert_inert(name, attacked.pages[name])
        calm, hot = BeautifulSoup(harmless.pages[name], "html.parser"), BeautifulSoup(attacked.pages[name],
                                                                                        "html.parser")
        assert _counts(hot) == _counts(calm), f"{name}: the payloads changed the page's elements"
        seen = _visible(hot)
        for field in SHOWN.get(name, ()):
            assert marker(field) in seen, f"{name}: the {field} payload is not shown (as text) at all"
        for field in FIELDS:  # template injection: {{7*7}} stays literal, never evaluated to 49
            assert f"{field}49" not in seen, f"{name}: {{{{7*7}}}} in the {field} was evaluated"


def test_the_claim_page_keeps_markdown_links_harmless(runs):
    _, attacked = runs
    soup = BeautifulSoup(attacked.pages["claim page, published"], "html.parser")
    comment = next(el for el in soup.find_all(string=re.compile(re.escape(marker("comment"))))).find_parent()
    assert comment is not None
    for a in soup.find_all("a"):
        assert not _scheme(a.get("href", "")).startswith(("javascript:", "vbscript:", "data:")), a


def test_form_fields_give_back_exactly_what_was_typed(runs):
    """Escaping must not corrupt: a re-shown form holds the typed text byte for byte."""
    _, attacked = runs
    t = attacked.t
    soup = BeautifulSoup(attacked.pages["confirm, refused input kept"], "html.parser")
    assert soup.find("input", {"name": "title"})["value"] == t["title"]
    assert soup.find("input", {"name": "byline"})["value"] == t["byline"]
    assert t["body"] in soup.find("textarea", {"name": "body"}).get_text()
    soup = BeautifulSoup(attacked.pages["claim page, refused verdict kept"], "html.parser")
    assert soup.find("textarea", {"name": "rationale"}).get_text().strip() == t["rationale"]
    assert soup.find("textarea", {"name": "claim_reviewed"}).get_text().strip() == t["restated"]
    soup = BeautifulSoup(attacked.pages["admin settings"], "html.parser")
    assert soup.find("input", {"name": "org_name"})["value"] == t["org"]


def test_links_to_hostile_but_valid_addresses_stay_inside_their_attribute(runs):
    _, attacked = runs
    for name in ("article page", "claim page, published", "html report"):
        soup = BeautifulSoup(attacked.pages[name], "html.parser")
        hrefs = [a["href"] for a in soup.find_all("a", href=True)]
        assert HOSTILE_URL in hrefs, f"{name}: the cited address is missing or was mangled"


def test_json_ld_in_the_report_is_script_safe_and_exact(runs):
    _, attacked = runs
    for name in ("html report", "ui html report", "bundle report.html"):
        soup = BeautifulSoup(attacked.pages[name], "html.parser")
        scripts = soup.find_all("script", type="application/ld+json")
        assert len(scripts) == 1, name
        raw = attacked.pages[name]
        start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
        content = raw[start:raw.index("</script>", start)]
        assert "</script" not in content.lower() and "<" not in content
        review = json.loads(content)
        assert review["claimReviewed"] == attacked.t["restated"]
        assert review["author"]["name"] == attacked.t["org"]
        # who made the claim: with no claimant named, the outlet (the article address's site), never the byline
        assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "evil.example.org"}


def test_json_exports_carry_the_text_unchanged(runs):
    _, attacked = runs
    t = attacked.t
    data = json.loads(attacked.exports["json"])
    (published,) = [c for c in data["claims"] if c["status"] == "published"]
    assert published["text"] == t["claim"]
    assert published["article"]["title"] == t["title"] and published["article"]["byline"] == t["byline"]
    assert published["verdict"]["rationale"] == t["rationale"]
    assert published["verdict"]["claim_reviewed"] == t["restated"]
    assert published["verdict"]["checker"]["name"] == t["display"]
    assert [c["body"] for c in published["corrections"]] == [t["correct"]]
    (source,) = published["sources"]
    assert (source["title"], source["note"], source["url"]) == (t["srctitle"], t["srcnote"], HOSTILE_URL)
    for key in ("claimreview", "queue claimreview"):
        reviews = json.loads(attacked.exports[key])
        assert [r["claimReviewed"] for r in reviews] == [t["restated"]], key
    queue = json.loads(attacked.exports["queue json"])
    assert any(c["text"] == t["claim"] for c in queue["claims"])


def test_csv_exports_neutralise_formulas(runs):
    _, attacked = runs
    t = attacked.t
    for key in ("csv", "queue csv"):
        rows = list(csv.reader(io.StringIO(attacked.exports[key].decode("utf-8"))))
        header, body = rows[0], rows[1:]
        assert body, key
        for row in body:
            for column, cell in zip(header, row):
                assert not cell.startswith(FORMULA_START), f"{key}: {column} = {cell!r} is a formula"
        published = [dict(zip(header, row)) for row in body if dict(zip(header, row))["status"] == "published"]
        assert len(published) == 1, key
        row = published[0]
        # Neutralised with a leading apostrophe, not dropped or mangled.
        assert row["article_title"] == "'" + t["title"]
        assert row["claim_text"] == "'" + t["claim"]
        assert row["rationale"] == "'" + t["rationale"]
        assert row["claim_reviewed"] == "'" + t["restated"]
        assert row["checker"] == "'" + t["display"]
        assert row["corrections"] == "'" + t["correct"]
