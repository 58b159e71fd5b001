"""The Articles page: every article the desk holds, searched and filtered, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, not_
from sqlmodel import Session, func, select

from factcheck.errors import ValidationError
from factcheck.models import Article, Capture, Source, User

EVIDENCE = {"": "Any", "archived": "All archived", "missing": "Some not archived", "none": "No sources cited yet"}


@dataclass(frozen=True)
class ArticleFilter:
    q: str = ""                    # words of the headline
    outlet: str = ""
    published_from: date | None = None
    published_to: date | None = None
    by: int | None = None          # who brought it in
    evidence: str = ""             # a key of EVIDENCE

    @classmethod
    def from_params(cls, args) -> "ArticleFilter":
        def day(name: str) -> date | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise ValidationError("Give dates as YYYY-MM-DD.", fields={name: "Not a date."}) from None

        by = (args.get("by") or "").strip()
        if by and not by.isdigit():
            raise ValidationError("Choose who brought it in from the list.", fields={"by": "Not a person."})
        evidence = (args.get("evidence") or "").strip()
        if evidence not in EVIDENCE:
            raise ValidationError("Choose an evidence state from the list.", fields={"evidence": "Unknown."})
        return cls(q=" ".join((args.get("q") or "").split())[:200], outlet=(args.get("outlet") or "").strip()[:200],
                   published_from=day("from"), published_to=day("to"), by=int(by) if by else None,
                   evidence=evidence)

    def to_params(self) -> dict[str, str]:
        """Only what differs from the default, for links that keep the filter (pages, bookmarks)."""
        params = {"q": self.q, "outlet": self.outlet, "evidence": self.evidence,
                  "from": self.published_from.isoformat() if self.published_from else "",
                  "to": self.published_to.isoformat() if self.published_to else "",
                  "by": str(self.by) if self.by else ""}
        return {k: v for k, v in params.items() if v}


def _cited_sources():
    return and_(Source.article_id == Article.id, Source.removed_at.is_(None), Source.claim_id.is_not(None))


def _not_archived():
    """A cited source of the article whose newest capture is not an archived copy (or that has none)."""
    newest = (select(func.max(Capture.id)).where(Capture.source_id == Source.id, Capture.purpose == "cite")
              .correlate(Source).scalar_subquery())
    done = exists().where(Capture.id == newest, Capture.state == "done")
    return exists().where(_cited_sources(), not_(done))


def _conditions(f: ArticleFilter) -> list:
    conds = []
    for word in f.q.split():
        conds.append(func.lower(Article.title).contains(word.lower(), autoescape=True))
    if f.outlet:
        conds.append(func.lower(Article.outlet) == f.outlet.lower())
    if f.published_from:
        conds.append(Article.published_on >= f.published_from)
    if f.published_to:
        conds.append(Article.published_on <= f.published_to)
    if f.by:
        conds.append(Article.created_by_id == f.by)
    cited = exists().where(_cited_sources())
    if f.evidence == "none":
        conds.append(not_(cited))
    elif f.evidence == "missing":
        conds.append(_not_archived())
    elif f.evidence == "archived":
        conds.append(and_(cited, not_(_not_archived())))
    return conds


def list_articles(session: Session, *, filter: ArticleFilter, page: int, per_page: int
                  ) -> tuple[list[Article], int]:
    """One page of the matching articles, newest first, and how many match in all."""
    conds = _conditions(filter)
    total = session.exec(select(func.count()).select_from(Article).where(*conds)).one()
    rows = session.exec(select(Article).where(*conds).order_by(Article.created_at.desc(), Article.id.desc())
                        .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), int(total)


def filter_choices(session: Session) -> tuple[list[str], list[User]]:
    """The outlets the desk holds and the people who brought articles in, for the filter's lists."""
    outlets = session.exec(select(Article.outlet).where(Article.outlet != "").distinct()
                           .order_by(Article.outlet)).all()
    people = session.exec(select(User).where(User.id.in_(select(Article.created_by_id).distinct()))
                          .order_by(User.username)).all()
    return list(outlets), list(people)
