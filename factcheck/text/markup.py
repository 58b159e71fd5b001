"""The Markdown people type in rationales and comments: one safe HTML rendering for every page and report, and
plain text for the places that hold no markup (a CSV cell).

CommonMark with raw HTML off: any tag a user types is shown as text; markdown-it also refuses
javascript:, vbscript: and data: links. Links open without telling the cited site where the reader came from.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_html(text: str | None) -> Markup:
    """The Markdown `text` as HTML that is safe to put in any page or report."""
    html = _parser().render(text or "")
    html = html.replace("<a href=", '<a rel="nofollow noopener noreferrer" href=')
    return Markup(html)


# Anything CommonMark could read as markup: emphasis, code, links and images, HTML and entities, escapes, headings,
# block quotes, tables, rules, list markers, indented code, and a line break (setext headings, paragraphs).
_MARKUP = re.compile(r"[*_`\[\]!<>&\\#~|=]|\n|^\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)|^ {4}", re.MULTILINE)

_BLOCK_ENDS = {"paragraph_close", "heading_close", "blockquote_close", "list_item_close", "bullet_list_close",
               "ordered_list_close", "hr"}


def _inline_text(children) -> str:
    out: list[str] = []
    href: list[str | None] = []
    for tok in children or ():
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append(" ")
        elif tok.type == "hardbreak":
            out.append("\n")
        elif tok.type == "image":
            out.append(tok.content)
        elif tok.type == "link_open":
            href.append(tok.attrs.get("href"))
            out.append("")
        elif tok.type == "link_close":
            url = href.pop() if href else None
            # A link keeps its address in plain text: "the report (https://…)", unless the words are the address.
            if url and not "".join(out).endswith(url):
                out.append(f" ({url})")
    return "".join(out)


def markdown_plain(text: str | None) -> str:
    """The words of the Markdown `text` without its markup: `**$12.4 billion**` -> `$12.4 billion`.

    Paragraphs are kept apart by a blank line, list items start with "- ", and a link's address follows its words
    in brackets so nothing the checker cited is lost."""
    if not text:
        return ""
    if not _MARKUP.search(text):  # most rationales are plain sentences: nothing to take off (and a CSV of
        return text.strip()       # 10,000 claims would otherwise spend half its time parsing them)
    blocks: list[tuple[str, bool]] = []  # (text, is a list item)
    current: list[str] = []
    prefix, item = "", False
    for tok in _parser().parse(text):
        if tok.type == "list_item_open":
            prefix, item = (f"{tok.info}{tok.markup} " if tok.info else "- "), True
        elif tok.type == "inline":
            current.append(prefix + _inline_text(tok.children))
            prefix = ""
        elif tok.type in ("fence", "code_block"):
            current.append(tok.content.rstrip("\n"))
        if (tok.type in _BLOCK_ENDS or tok.type in ("fence", "code_block")) and current:
            blocks.append(("".join(current), item))
            current, item = [], False
    if current:
        blocks.append(("".join(current), False))
    out = ""
    previous_item = False
    for i, (block, is_item) in enumerate(b for b in blocks if b[0].strip()):
        out += ("" if i == 0 else "\n" if is_item and previous_item else "\n\n") + block
        previous_item = is_item
    return re.sub(r"\n{3,}", "\n\n", out).strip()
