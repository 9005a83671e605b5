"""Every table of evalsys, each from the capability that owns it, loaded together so that the
relationships between capabilities resolve (Alembic, the app and the commands import this)."""

from sqlalchemy.orm import configure_mappers

from evalsys.accounts.models import ApiToken, Membership, PasswordReset, RecoveryCode, User
from evalsys.accounts.sign_on.models import SignOnLink
from evalsys.audit.models import AuditEvent
from evalsys.collection.models import (
    HeldPaperEntry,
    IssuedCode,
    Participant,
    Response,
    Score,
    SurveyLink,
)
from evalsys.collection.ratelimit import rate_limits
from evalsys.db.meta import Base, metadata
from evalsys.jobs.models import Job
from evalsys.mail.models import MailMessage, ParticipantContact
from evalsys.programme.models import InstrumentDefinition, Intervention, Questionnaire, Site, Wave
from evalsys.results.models import ReportVersion
from evalsys.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

configure_mappers()

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "HeldPaperEntry",
    "InstrumentDefinition",
    "Intervention",
    "IssuedCode",
    "Job",
    "MailMessage",
    "ParticipantContact",
    "Membership",
    "Participant",
    "PasswordReset",
    "Questionnaire",
    "RecoveryCode",
    "ReportVersion",
    "Response",
    "Score",
    "SignOnLink",
    "Site",
    "SurveyLink",
    "User",
    "Wave",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "metadata",
    "rate_limits",
]
