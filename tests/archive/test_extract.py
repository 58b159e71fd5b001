"""Readable text and title from archived bodies; never an exception."""
from __future__ import annotations

import os
import random
from datetime import date

import pytest

pytest.importorskip("trafilatura")

from factcheck.archive.extract import Extracted, extract, extract_article  # noqa: E402

ARTICLE = [
    "The finance ministry said on Tuesday that public spending rose by 4.2 percent last year, "
    "well above the 2.5 percent figure the minister quoted in parliament.",
    "Economists at the national statistics office confirmed the higher number, adding that the "
    "difference came mostly from unplanned outlays on energy subsidies during the winter months.",
    "Opposition lawmakers called the minister's statement misleading and demanded a correction, "
    "while the ministry said the lower figure referred only to core administrative costs.",
]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Spending rose 4.2% – ministry data | The Daily Ledger</title>
  <meta property="og:title" content="Spending rose 4.2%, not 2.5%, ministry data show">
  <meta name="author" content="Maria Okafor">
  <meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
</head>
<body>
  <header><nav class="site-nav"><ul>
    <li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather forecast zone</a></li>
  </ul></nav></header>
  <div class="ad-banner advertisement">BUY CHEAP WIDGETS NOW – limited offer</div>
  <main>
    <article>
      <h1>Spending rose 4.2%, not 2.5%, ministry data show</h1>
      <p class="byline">By Maria Okafor</p>
      {''.join(f'<p>{p}</p>' for p in ARTICLE)}
    </article>
    <aside class="related"><h3>Related</h3><ul><li><a href="/x">Ten celebrity diets ranked</a></li></ul></aside>
  </main>
  <footer class="site-footer"><p>© 2024 Daily Ledger Media Group. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> · <a href="/terms">Terms of service</a></p></footer>
</body>
</html>
""".encode()


def test_news_page_main_text_without_boilerplate():
    got = extract(NEWS_PAGE, content_type="text/html; charset=utf-8", url="https://ledger.example/a")
    assert isinstance(got, Extracted)
    assert got.text
    for paragraph in ARTICLE:
        assert paragraph in got.text
    for boilerplate in ("Politics", "Weather forecast zone", "All rights reserved", "Privacy policy",
                        "BUY CHEAP WIDGETS", "celebrity diets"):
        assert boilerplate not in got.text
    assert got.title and "Spending rose 4.2%" in got.title
    assert got.language == "en-GB"


def test_title_falls_back_to_title_tag():
    page = b"<html><head><title>Only &amp; a title</title></head><body><div></div></body></html>"
    got = extract(page, content_type="text/html", url="https://x.example/")
    assert got.title == "Only & a title"


def test_charset_from_document_and_from_content_type():
    text = "Le ministre a déclaré que les dépenses publiques ont augmenté de façon considérable. " * 8
    page = (f'<html><head><meta charset="iso-8859-1"><title>Dépenses</title></head>'
            f"<body><article><p>{text}</p></article></body></html>").encode("latin-1")
    got = extract(page, content_type="text/html", url="https://x.example/fr")
    assert got.title == "Dépenses"
    assert "déclaré" in got.text
    plain = "Überprüfung der Aussage: größer als erwartet.".encode("cp1252")
    got = extract(plain, content_type="text/plain; charset=windows-1252", url="https://x.example/t")
    assert got.text == "Überprüfung der Aussage: größer als erwartet."


def test_text_plain():
    got = extract("Claim: the bridge cost €2bn.\nSource: audit office.\n".encode(),
                  content_type="text/plain", url="https://x.example/t.txt")
    assert got == Extracted(None, "Claim: the bridge cost €2bn.\nSource: audit office.", None)
    # no charset declared, not UTF-8: charset-normalizer guesses
    guessed = extract("Привет, это проверка фактов и утверждений министра финансов.".encode("cp1251"),
                      content_type="text/plain", url="https://x.example/r")
    assert guessed.text and "проверка" in guessed.text


def test_pdf_and_images_give_nothing():
    pdf = b"%PDF-1.7\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF"
    assert extract(pdf, content_type="application/pdf", url="https://x.example/r.pdf") == \
        Extracted(None, None, None)
    assert extract(pdf, content_type=None, url="https://x.example/r") == Extracted(None, None, None)
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(200)
    assert extract(png, content_type="image/png", url="https://x.example/i.png") == \
        Extracted(None, None, None)


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=bogus-9", "text/plain",
                                          "text/plain; charset=utf-16", None, "application/pdf", ""])
def test_random_bytes_never_raise(content_type):
    rng = random.Random(1234)
    for size in (0, 1, 17, 512, 20_000):
        body = bytes(rng.getrandbits(8) for _ in range(size))
        got = extract(body, content_type=content_type, url="https://x.example/r")
        assert isinstance(got, Extracted)
        art = extract_article(body, content_type=content_type, url="https://x.example/r")
        assert isinstance(art, tuple) and len(art) == 4
    broken = b"<html><head><title>x</ti" + bytes(rng.getrandbits(8) for _ in range(3000))
    assert isinstance(extract(broken, content_type="text/html", url=""), Extracted)


def test_extract_article_metadata():
    title, byline, published, text = extract_article(
        NEWS_PAGE, content_type="text/html; charset=utf-8", url="https://ledger.example/a")
    assert "Spending rose 4.2%" in title
    assert byline == "Maria Okafor"
    assert published == date(2024, 3, 5)
    assert ARTICLE[1] in text and "Privacy policy" not in text


def test_extract_article_non_html():
    assert extract_article(b"%PDF-1.4", content_type="application/pdf", url="https://x/") == \
        (None, None, None, None)
    assert extract_article(b"just text", content_type="text/plain", url="https://x/") == \
        (None, None, None, "just text")
