import io

import pytest

from factcheck.text.decode import IntakeError, decode_upload, markdown_to_text

MB = 1024 * 1024


def test_decode_plain_utf8():
    assert decode_upload("Budget passed. Вот.".encode(), "a.txt", max_bytes=MB) == "Budget passed. Вот."


def test_decode_strips_utf8_bom():
    assert decode_upload(b"\xef\xbb\xbfHello there.", "a.txt", max_bytes=MB) == "Hello there."


def test_decode_utf16_with_bom():
    data = "Zürich voted on Sunday.".encode("utf-16")
    assert decode_upload(data, "a.txt", max_bytes=MB) == "Zürich voted on Sunday."


def test_decode_latin1():
    text = (
        "Le ministre a déclaré que la réforme des retraites serait présentée à l'Assemblée "
        "nationale après l'été. Les syndicats ont réagi très vivement à cette annonce."
    )
    assert decode_upload(text.encode("latin-1"), "note.txt", max_bytes=MB) == text


def test_decode_cp1251():
    text = (
        "Министр заявил, что новый бюджет будет представлен парламенту в следующем месяце. "
        "Оппозиция раскритиковала план и потребовала провести общественные слушания."
    )
    assert decode_upload(text.encode("cp1251"), "news.txt", max_bytes=MB) == text


def test_decode_oversize_message_names_sizes():
    with pytest.raises(IntakeError) as exc:
        decode_upload(b"a" * (3 * MB), "big.txt", max_bytes=2 * MB)
    assert "3 MB" in str(exc.value) and "2 MB" in str(exc.value)


def test_decode_empty():
    with pytest.raises(IntakeError, match="empty"):
        decode_upload(b"", "a.txt", max_bytes=MB)


def test_decode_whitespace_only_is_empty():
    with pytest.raises(IntakeError, match="empty"):
        decode_upload(b" \n\t ", "a.txt", max_bytes=MB)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00", b"PK\x03\x04\x14\x00", b"abc\x00def"],
)
def test_decode_binary_rejected(data):
    with pytest.raises(IntakeError) as exc:
        decode_upload(data, "report.txt", max_bytes=MB)
    message = str(exc.value)
    assert "not a text document" in message
    assert ".docx" in message and ".txt" in message


@pytest.mark.parametrize("name", ["report.pdf", "photo.jpg", "README", "data.csv"])
def test_decode_unknown_extension(name):
    with pytest.raises(IntakeError) as exc:
        decode_upload(b"hello", name, max_bytes=MB)
    assert ".txt" in str(exc.value) and ".html" in str(exc.value)


def test_decode_html_drops_script_and_keeps_paragraphs():
    html = b"""<html><head><title>T</title><style>p{color:red}</style></head><body>
    <nav>Home | World</nav>
    <h1>Floods   close   schools</h1>
    <script>var secret = "tracking";</script>
    <p>Schools in the valley <b>closed</b> on Monday.</p><p>They reopen next week.</p>
    <footer>Contact us</footer></body></html>"""
    text = decode_upload(html, "page.HTML", max_bytes=MB)
    assert text == "Floods close schools\n\nSchools in the valley closed on Monday.\n\nThey reopen next week."
    assert "secret" not in text and "<" not in text and "color" not in text


def test_decode_html_escaped_markup_is_text_not_tags():
    text = decode_upload(b"<p>a &lt;b&gt; tag</p>", "x.htm", max_bytes=MB)
    assert text == "a <b> tag"


def test_decode_markdown():
    md = "# Big *news* today\n\nThe [council](https://example.org) met. ![chart](c.png)\n\n**Bold** claim."
    assert markdown_to_text(md) == "Big news today\n\nThe council met. \n\nBold claim."
    assert decode_upload(md.encode(), "a.md", max_bytes=MB).startswith("Big news today")


def test_decode_bad_docx():
    with pytest.raises(IntakeError, match="Word document"):
        decode_upload(b"this is not a zip file", "story.docx", max_bytes=MB)


def test_decode_zip_that_is_not_docx():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(IntakeError, match="Word document"):
        decode_upload(buf.getvalue(), "story.docx", max_bytes=MB)


def test_decode_good_docx():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Headline of the day")
    document.add_paragraph("")
    document.add_paragraph("The first paragraph.")
    buf = io.BytesIO()
    document.save(buf)
    assert decode_upload(buf.getvalue(), "s.docx", max_bytes=MB) == "Headline of the day\n\nThe first paragraph."


RUSSIAN = ("Президент Казахстана Касым-Жомарт Токаев подписал указ. По данным Бюро национальной статистики, "
           "инфляция составила 9,8 процента. Министр финансов заявил, что бюджет вырос на 12 процентов.")
CZECH = "Vláda schválila rozpočet, který počítá s deficitem ve výši tří procent. Opozice plán ostře kritizovala."
FRENCH = "Très bien, a déclaré le ministre après la réunion : la réforme sera présentée à l'Assemblée à la rentrée."


@pytest.mark.parametrize("text, codec", [
    (RUSSIAN, "cp1251"), (RUSSIAN, "koi8_r"), (RUSSIAN, "iso8859_5"), (RUSSIAN, "mac_cyrillic"),
    (CZECH, "cp1250"), (FRENCH, "cp1252"), (FRENCH, "latin-1"),
])
def test_legacy_code_pages_are_told_apart(text, codec):
    """One Cyrillic code page read as another swaps letter cases ("Министр" becomes "нЙОЙУФТ" when KOI8-R is
    read as Windows-1251), and Czech read as Western gets letters like "è" mid-word: neither may win."""
    assert decode_upload(text.encode(codec), "story.txt", max_bytes=MB) == text
