"""The shapes of the read model (services/claim_views): a claim as the claim page, the API and exports see it.

Plain slotted rows, not ORM entities: cheap to build by the ten thousand, and safe to hand to a renderer (nothing
lazy-loads behind its back). The exports' renderers take these; services/claim_views fills them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from factcheck.models.articles import Article, Claim, ClaimStatus
from factcheck.models.people import User


@dataclass(slots=True)
class UserRef:
    id: int
    username: str
    display_name: str

    @property
    def label(self) -> str:
        return self.display_name or self.username


@dataclass(slots=True)
class ArticleRef:
    id: int
    title: str
    url: str | None
    byline: str
    outlet: str
    published_on: date | None


@dataclass(slots=True)
class ClaimRow:
    id: int
    article_id: int
    status: str
    text: str
    original_text: str
    score: float
    published_at: datetime | None
    claimant: str
    claimant_kind: str


@dataclass(slots=True)
class VerdictRow:
    id: int
    claim_id: int
    rating: str
    rationale: str
    claim_reviewed: str
    proposed_by_id: int | None
    created_at: datetime
    proposer: UserRef | None = None


@dataclass(slots=True)
class SourceRow:
    id: int
    claim_id: int
    article_id: int
    url: str | None
    title: str
    stance: str | None
    note: str
    version: int
    health: str
    health_reason: str


@dataclass(slots=True)
class CaptureRow:
    id: int
    source_id: int
    state: str
    reason: str
    attempts: int
    next_try_at: datetime | None
    final_url: str | None
    http_status: int | None
    content_type: str | None
    size: int | None
    sha256: str | None
    title: str | None
    warc_path: str | None
    text_path: str | None
    screenshot_path: str | None
    captured_at: datetime | None


@dataclass(slots=True)
class CommentRow:
    id: int
    claim_id: int
    author_id: int | None
    kind: str
    body: str
    created_at: datetime


@dataclass(slots=True)
class EventRow:
    id: int
    claim_id: int
    actor_id: int | None
    kind: str
    field: str
    old: str | None
    new: str | None
    created_at: datetime


@dataclass(slots=True)
class SourceView:
    source: SourceRow
    capture: CaptureRow | None       # the newest `cite` capture, see the module's rules


@dataclass(slots=True)
class ClaimView:
    claim: ClaimRow | Claim
    article: ArticleRef | Article
    verdict: VerdictRow | None       # outgoing views: only for published claims; the desk's: the latest, always
    checker: UserRef | None          # who proposed that verdict
    signed_off_by: UserRef | None = None   # the editor who published (outgoing views only)
    signed_off_at: datetime | None = None
    corrections: list[CommentRow] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    history: list[EventRow] = field(default_factory=list)   # filled only when asked (JSON export)

    @property
    def published(self) -> bool:
        return self.claim.status == ClaimStatus.published


@dataclass
class ArticleReport:
    article: Article
    published: list[ClaimView]
    not_yet_verified: list[Claim]    # open claims: listed apart, never with a verdict
    brought_in_by: User | None
