"""An evalsys account's identity at an OpenID Connect provider, as an administrator set it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evalsys.accounts.models import User
from evalsys.db.meta import Base, utcnow


class SignOnLink(Base):
    """This account is that provider's user: by subject (``sub``), or by a verified e-mail
    address until the first sign-on, which then records the subject that proved it."""

    __tablename__ = "sign_on_links"
    __table_args__ = (
        UniqueConstraint("provider", "subject"),
        UniqueConstraint("provider", "email"),
        UniqueConstraint("user_id", "provider"),
        CheckConstraint("subject IS NOT NULL OR email IS NOT NULL", name="subject_or_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))  # lower case
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
