"""Request and response bodies of the API, as pydantic models; spectree builds the OpenAPI document from them."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel

MAX_ID = 2**31 - 1  # PostgreSQL `integer`; anything larger cannot name a row
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # NUL and lone surrogates: neither database stores them


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("contains a NUL character or an unpaired surrogate")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The claim's version you last saw.")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ---------------------------------------------------------------------------------------------- requests


class ArticleIn(_In):
    title: Text
    body: Text
    url: Text | None = None
    byline: Text | None = Field(None, description="The names; a leading 'By' or 'Edited by:' is taken off.")
    outlet: Text | None = Field(None, description="Who published the article; default: the URL's site.")
    published_at: date | None = None


class ClaimQuery(_In):
    status: Text | None = Field(None, description="Comma-separated statuses, or `all`; default: the open ones.")
    assignee: Text | None = Field(None, description="`anyone`, `me`, `unassigned` or a username.")
    article_id: Id | None = None
    min_score: float | None = None
    max_score: float | None = None
    due: Literal["any", "overdue", "due_week", "has_due", "no_due"] | None = None
    q: Text | None = Field(None, max_length=200, description="Text the claim contains.")
    sort: Literal["score", "due", "newest", "oldest"] | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: Text | None = Field(None, max_length=1000, description="`next_cursor` of the previous page.")
    past_match: bool | None = Field(None, description="Only claims that look like a past claim (Checked before).")
    alike: int | None = Field(None, ge=1, description="Only the claims of this group (a claim's `alike_id`).")


class ClaimPatch(_In):
    version: Version
    text: Text | None = None
    due: date | None = Field(None, description="The due day (it ends at 23:59:59 in the newsroom's time zone); "
                                               "null clears it.")


class AssignIn(_In):
    assignee: Text
    due: date | None = None
    version: Version


class SourceIn(_In):
    url: Text
    title: Text = ""
    stance: Literal["supports", "refutes", "context"] | None = None
    note: Text = ""


class VerdictIn(_In):
    rating: Text
    rationale: Text
    claim_reviewed: Text = ""
    claimant: Text | None = Field(None, description="Who made the claim (ClaimReview's itemReviewed.author); "
                                  "'' = the article's outlet; left out = unchanged.")
    claimant_kind: Literal["person", "organization", ""] = ""
    version: Version


class TransitionIn(_In):
    to: Text
    comment: Text = ""
    version: Version



class CommentIn(_In):
    body: Text


# ---------------------------------------------------------------------------------------------- responses


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


class VerdictOut(BaseModel):
    rating: str
    rationale: str
    claim_reviewed: str
    proposed_by: str | None


class ClaimOut(BaseModel):
    id: int
    article_id: int
    text: str
    original_text: str
    start: int
    end: int
    score: float
    checkworthy: bool
    reasons: list[str]
    status: str
    assignee: str | None
    due: datetime | None
    claimant: str = Field("", description="who made the claim; '' = the article's outlet")
    claimant_kind: str = Field("", description="'person', 'organization', or '' with no claimant")
    alike_id: int | None = Field(None, description="Claims that came in together (one article, or articles "
                                 "brought in within a day) and say the same thing share this id, their first "
                                 "claim's; null when none does")
    version: int
    verdict: VerdictOut | None


class ClaimPage(BaseModel):
    items: list[ClaimOut]
    next_cursor: str | None


class ArticleOut(BaseModel):
    id: int
    title: str
    url: str | None
    byline: str
    outlet: str = ""
    published_at: date | None
    created_at: datetime
    language: str = Field("", description="ISO 639-1 code, detected at intake or set by an editor; '' = unknown")
    scores: str = Field("English model", description="'English model' unless the article is in English "
                        "(then 'trained for this language'); for other languages the threshold is not applied")
    furniture: list[dict] = Field(default_factory=list, description="lines set aside as page furniture, never scored")
    claims: list[ClaimOut]


class TimestampOut(BaseModel):
    state: str                       # queued, running, retrying (the authority did not answer yet), done, failed
    reason: str
    authority: str | None            # who signed the token (its certificate's name), once granted
    stamped_at: datetime | None      # the authority's time
    sha256: str                      # what it stamps: the WARC's SHA-256
    token_url: str | None = None     # /api/v1/captures/<id>/timestamp: the token (DER), once granted


class CaptureOut(BaseModel):
    id: int
    state: str
    reason: str
    attempts: int
    final_url: str | None
    http_status: int | None
    content_type: str | None
    sha256: str | None
    size: int | None
    title: str | None
    captured_at: datetime | None
    warc_url: str | None = None          # /api/v1/captures/<id>/warc etc., absolute from FACTCHECK_BASE_URL;
    text_url: str | None = None          # download them with the same bearer token
    screenshot_url: str | None = None
    wacz_url: str | None = None          # /api/v1/captures/<id>/wacz: the archived copy as WACZ, once there is a WARC
    timestamp: TimestampOut | None = None  # the RFC 3161 timestamp of the WARC; None when none was asked for


class SourceHealth(BaseModel):
    state: str          # "" (not re-checked yet), "ok", "gone" or "changed"
    reason: str


class SourceOut(BaseModel):
    id: int
    claim_id: int | None
    url: str | None
    title: str
    stance: str | None
    note: str
    version: int
    created_at: datetime
    capture: CaptureOut | None
    health: SourceHealth


class EventOut(BaseModel):
    id: int
    kind: str
    field: str
    old: str | None
    new: str | None
    actor: str | None
    at: datetime
    detail: dict[str, Any]


class EventList(RootModel[list[EventOut]]):
    pass


class CommentOut(BaseModel):
    id: int
    claim_id: int
    kind: str
    body: str
    author: str | None
    created_at: datetime


class CommentList(RootModel[list[CommentOut]]):
    pass


class ReportQuery(_In):
    format: Literal["html", "pdf", "csv", "json", "claimreview", "bundle"] = Field(
        ..., description="html or pdf verification report, csv/json/claimreview of its claims, or the evidence "
                         "bundle (zip with manifest).")


class ClaimExportQuery(ClaimQuery):
    format: Literal["csv", "json", "claimreview"] = Field(..., description="What to export the filtered claims as.")
