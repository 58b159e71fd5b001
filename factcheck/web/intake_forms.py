"""The upload form with the editor's choice of text encoding, and what the review step flags."""
from __future__ import annotations

import re

from wtforms import SelectField

from factcheck.text.decode import ENCODING_CHOICES
from factcheck.web.forms import UploadForm

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class UploadWithEncodingForm(UploadForm):
    encoding = SelectField("Text encoding", choices=[("", "Detect automatically")] + list(ENCODING_CHOICES.items()),
                           default="", description="For .txt, .md and .html files. Leave it to detection unless "
                                                   "the review step shows the text garbled.")


def bidi_warnings(**texts: str) -> list[str]:
    """The fields (by label) whose text carries bidirectional controls, which can make text display in an
    order other than the one it is stored in."""
    return [label for label, text in texts.items() if text and BIDI_CONTROLS.search(text)]
