"""Hostile intake inputs for bench/intake.py --hostile and the security tests: a .docx that expands far
beyond its size, and a body made of half a million one-character "sentences".

Each builder writes a real file a word processor could have made (content types, relationships, one
`word/document.xml`), only with far more in it than any article.
"""
from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')


def docx_of(paragraphs, *, level: int = 9) -> bytes:
    """A .docx whose body is `paragraphs` (any iterable of str), streamed into the archive."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
                      "<w:body>".encode())
            pending, size = [], 0
            for text in paragraphs:
                pending.append(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
                size += len(text)
                if size >= 1 << 20:
                    out.write("".join(pending).encode())
                    pending, size = [], 0
            out.write(("".join(pending) + "</w:body></w:document>").encode())
    return buf.getvalue()


def bomb_docx(expanded_bytes: int = 2_000_000_000) -> bytes:
    """About 2 MB of .docx whose `word/document.xml` expands to `expanded_bytes`: paragraphs of a million
    letters each, which deflate squeezes about a thousand times."""
    para = "A" * 1_000_000
    return docx_of(para for _ in range(expanded_bytes // len(para)))


def many_paragraphs_docx(text_chars: int = 100 * 1024 ** 2) -> bytes:
    """A few hundred KB of .docx holding `text_chars` characters of numbered paragraphs."""
    def paragraphs():
        n, made = 0, 0
        while made < text_chars:
            n += 1
            p = "The council approved the budget."
            made += len(p) + 2
            yield p
    return docx_of(paragraphs())


def ones_body(chars: int = 1_000_000) -> str:
    """ "1. 1. 1. …": one sentence every three characters."""
    return ("1. " * (chars // 3 + 1))[:chars].rstrip()
