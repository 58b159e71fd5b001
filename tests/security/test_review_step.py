"""Issue 15: the review step says how an upload was read and flags direction controls.

A text file that mixes UTF-8 with a legacy code page was read whole as the code page with no warning;
now the review step names the encoding used, says when it was a guess or the bytes are mixed, and the
editor can upload again choosing the encoding (including "UTF-8, with Windows-1252 where it is not")."""
from __future__ import annotations

import io

from factcheck.text.decode import looks_mixed, read_upload

MIXED = ("Harbour Bay council approved the caf\u00e9 licence on Tuesday.\n\n".encode("utf-8")
         + "The mayor called the plan na\u00efve and \u201cunaffordable\u201d.\n".encode("cp1252"))


def upload(client, data: bytes, name="story.txt", encoding=""):
    return client.post("/articles/upload", data={"upload-file": (io.BytesIO(data), name), "upload-encoding": encoding},
                       content_type="multipart/form-data")


def test_a_mixed_file_is_flagged_with_the_encoding_used(as_user):
    page = upload(as_user("eve"), MIXED).get_data(as_text=True)
    assert 'id="encoding-notice"' in page
    assert "a guess" in page and "mix UTF-8 with another encoding" in page
    assert "Windows-1252" in page or "Windows-1250" in page


def test_the_editor_can_choose_the_mixed_reading(as_user):
    resp = upload(as_user("eve"), MIXED, encoding="utf-8+cp1252")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "caf\u00e9 licence" in page and "na\u00efve and \u201cunaffordable\u201d" in page
    assert "a guess" not in page  # chosen, not guessed


def test_a_chosen_encoding_that_does_not_fit_says_so(as_user):
    resp = upload(as_user("eve"), MIXED, encoding="utf-8")
    assert resp.status_code == 422
    assert "cannot be read as UTF-8" in resp.get_data(as_text=True)


def test_plain_utf8_is_not_a_guess(as_user):
    page = upload(as_user("eve"), "Caf\u00e9 council approved it.".encode()).get_data(as_text=True)
    assert "read as <strong>UTF-8</strong>" in page and "a guess" not in page


def test_mixed_detection():
    assert looks_mixed(MIXED)
    assert not looks_mixed("caf\u00e9".encode()) and not looks_mixed("na\u00efve".encode("cp1252"))
    r = read_upload(MIXED, "a.txt", max_bytes=10 ** 6)
    assert r.guessed and r.mixed and r.encoding


def test_direction_controls_are_flagged_on_the_review_step(as_user):
    eve = as_user("eve")
    eve.get("/articles/new")
    page = eve.post("/articles/new", {"title": "Harbour \u202egnp.exe", "body": "The council met on Tuesday."}
                    ).get_data(as_text=True)
    assert 'id="bidi-notice"' in page and "Headline" in page
    clean = eve.post("/articles/new", {"title": "Harbour", "body": "The council met on Tuesday."}).get_data(as_text=True)
    assert 'id="bidi-notice"' not in clean
