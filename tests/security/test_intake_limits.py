"""Issue 15: uploads and intake that cannot take the server down.

A .docx bomb and a .docx with far more text than an article are refused before any XML is parsed or any
page rendered; the body limit applies to what an upload holds; a body of endless one-character
"sentences" is refused by a sentence limit; and bringing in an article holds the write lock only while
it writes, so another user's request never waits through the text analysis."""
from __future__ import annotations

import io
import sqlite3
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from factcheck.config import Settings
from factcheck.errors import ValidationError
from factcheck.services import intake
from factcheck.text.container import ContainerError, ContainerLimits, read_members

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import hostile_inputs  # noqa: E402


def upload(client, data: bytes, name: str = "story.docx"):
    return client.post("/articles/upload", data={"upload-file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_docx_bomb_is_refused_before_parsing(as_user):
    bomb = hostile_inputs.bomb_docx(64 * 1024 * 1024)  # 64 MB of XML in about 64 KB
    assert len(bomb) < 200_000
    started = time.perf_counter()
    resp = upload(as_user("eve"), bomb)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "unpacks to more than 32 MB" in page or "expands more than 100 times" in page
    assert len(page) < 200_000 and time.perf_counter() - started < 5


def test_docx_with_more_text_than_an_article_is_refused_before_review(app, as_user):
    limit = app.extensions["factcheck.settings"].max_body_chars
    doc = hostile_inputs.docx_of(f"Paragraph {n}: the harbour board met on day {n * 7}." for n in range(30_000))
    assert len(doc) < 2 * 1024 * 1024
    resp = upload(as_user("eve"), doc)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f"more than {limit:,} characters" in page
    assert len(page) < 200_000  # the review page (which would hold the whole text) was never rendered


def test_text_upload_over_the_body_limit_is_refused(app, as_user):
    limit = app.extensions["factcheck.settings"].max_body_chars
    text = ("The council approved the budget on Tuesday. " * (limit // 44 + 2000)).encode()
    resp = upload(as_user("eve"), text, "story.txt")
    assert resp.status_code == 422
    assert f"the limit for an article is {limit:,}" in resp.get_data(as_text=True)


def test_a_docx_within_the_limits_still_reads():
    doc = hostile_inputs.docx_of(["Headline", "The council approved the budget.", "It cost \u00a34m."])
    from factcheck.text.decode import decode_upload

    assert decode_upload(doc, "a.docx", max_bytes=2 ** 21, max_chars=1000) == (
        "Headline\n\nThe council approved the budget.\n\nIt cost \u00a34m.")


def _with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The same archive, its central directory claiming `size` bytes for `name`."""
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(name)
    buf = bytearray(data)
    pos = 0
    while True:
        cd = buf.find(b"PK\x01\x02", pos)
        assert cd >= 0
        name_len = int.from_bytes(buf[cd + 28:cd + 30], "little")
        if bytes(buf[cd + 46:cd + 46 + name_len]) == name.encode():
            break
        pos = cd + 4
    assert int.from_bytes(buf[cd + 24:cd + 28], "little") in (info.file_size, 0xFFFFFFFF)
    buf[cd + 24:cd + 28] = size.to_bytes(4, "little")
    return bytes(buf)


def test_an_entry_that_inflates_past_its_declared_size_is_stopped():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<x>" + b"A" * 3_000_000 + b"</x>")
    lying = _with_declared_size(buf.getvalue(), "word/document.xml", 1000)
    with pytest.raises(ContainerError):
        read_members(lying, lambda n: True, limits=ContainerLimits(max_ratio=10 ** 9))


def test_too_many_entries_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in range(30):
            z.writestr(f"part{n}.xml", "<x/>")
    with pytest.raises(ContainerError, match="30 parts"):
        read_members(buf.getvalue(), lambda n: True, limits=ContainerLimits(max_entries=20))


# ---------------------------------------------------------------------------------------------- sentences


def test_a_megabyte_of_one_character_sentences_is_refused_quickly(as_user):
    body = hostile_inputs.ones_body(1_000_000)
    started = time.perf_counter()
    resp = as_user("eve").post("/articles/confirm", {"title": "Ones", "body": body})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "sentences; the limit is 20,000" in page
    assert time.perf_counter() - started < 10
    assert 'name="title"' in page and "Ones" in page  # what the editor typed is still there


def test_api_refuses_too_many_sentences_with_a_field_error(app, people, session):
    from factcheck.services import tokens

    _, raw = tokens.create_token(session, user=people["eve"])
    session.commit()
    resp = app.test_client().post("/api/v1/articles", json={"title": "Ones", "body": hostile_inputs.ones_body(200_000)},
                                  headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 422
    assert "sentences; the limit is" in resp.get_json()["error"]["fields"]["body"]


def test_the_precise_sentence_count_applies_below_the_cheap_bound(session, people):
    body = " ".join(f"The council met on day {n}." for n in range(60))
    with pytest.raises(ValidationError, match="has 60 sentences; the limit is 50"):
        intake.create_article(session, draft=intake.ArticleDraft(title="T", body=body), actor=people["eve"],
                              threshold=0.5, max_body_chars=10_000, max_sentences=50)


def test_max_sentences_is_a_setting():
    s = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_MAX_SENTENCES": "500",
                           "FACTCHECK_MAX_UNPACKED_BYTES": "1000000"})
    assert s.max_sentences == 500 and s.max_unpacked_bytes == 1_000_000


# ---------------------------------------------------------------------------------------------- the write lock


def test_intake_holds_the_write_lock_only_while_writing(engine, people):
    """While an article with thousands of sentences is analysed and stored, another connection can take
    SQLite's write lock most of the time: only the inserts themselves hold it."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the single-writer lock is SQLite's")
    from sqlmodel import Session

    body = "\n\n".join(f"The harbour board said on day {n} that ferry traffic rose {n % 40} per cent."
                       for n in range(4000))
    done = threading.Event()
    errors: list[BaseException] = []

    def bring_in():
        try:
            with Session(engine, expire_on_commit=False) as s:
                intake.create_article(s, draft=intake.ArticleDraft(title="Long", body=body),
                                      actor=s.get(type(people["eve"]), people["eve"].id), threshold=0.5,
                                      max_body_chars=1_000_000)
                s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    worker = threading.Thread(target=bring_in)
    worker.start()
    free = busy = 0
    while not done.is_set():
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            free += 1
        except sqlite3.OperationalError:
            busy += 1
        time.sleep(0.005)
    worker.join()
    other.close()
    assert not errors, errors
    assert free + busy > 50
    assert busy < (free + busy) / 2, f"the write lock was held in {busy} of {free + busy} samples"
