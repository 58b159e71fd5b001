"""SQLModel tables. Models hold schema; rules live in services and workflow."""
from factcheck.models.base import utcnow
from factcheck.models.people import Role, User, ApiToken
from factcheck.models.articles import Article, Claim, ClaimStatus
from factcheck.models.jobs import JobRow, JobState
from factcheck.models.evidence import Source, Capture, Export, Stance
from factcheck.models.review import Verdict, Comment, Event, NewsroomSetting
from factcheck.models.timestamps import Timestamp
from factcheck.models.matching import ClaimMatch, ClaimVector, MatchingJob
from factcheck.models.external import ExternalFactCheck, FactcheckFeed
from factcheck.models.notifications import (EmailMessage, Notification, NotificationPreference, Webhook,
                                            WebhookDelivery)
from factcheck.models.requests import PublicRequest

__all__ = [
    "utcnow", "Role", "User", "ApiToken", "Article", "Claim", "ClaimStatus", "Source", "Capture",
    "JobRow", "JobState", "Export", "Stance", "Verdict", "Comment", "Event", "NewsroomSetting",
    "Timestamp", "ClaimMatch", "ClaimVector", "MatchingJob", "ExternalFactCheck", "FactcheckFeed", "Notification",
    "NotificationPreference", "Webhook", "WebhookDelivery", "EmailMessage", "PublicRequest",
]
