"""Accounts: users, what they may see (memberships), their API tokens, recovery codes and
password-reset links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evalsys.db.meta import Base, utcnow

ROLES = ("admin", "evaluator", "coordinator", "ministry")
TOKEN_PERMISSIONS = ("read", "submit")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted: a code is never accepted twice (RFC 6238, section 5.2).
    totp_last_step: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # Raised at logout, password change, blocking and role change: every session cookie issued
    # before then names an older generation and identifies nobody (accounts.sessions).
    session_generation: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Mail (evalsys.mail): where digests go, whether they are wanted, in which language.
    email: Mapped[str | None] = mapped_column(String(254))
    digests: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    mail_language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(Base):
    """What a user works on: an evaluator a whole intervention (site NULL), a coordinator a site."""

    __tablename__ = "memberships"
    __table_args__ = (
        ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            ondelete="CASCADE",
        ),
        Index(
            "uq_memberships_user_site",
            "user_id",
            "site_id",
            unique=True,
            sqlite_where=text("site_id IS NOT NULL"),
            postgresql_where=text("site_id IS NOT NULL"),
        ),
        Index(
            "uq_memberships_user_intervention",
            "user_id",
            "intervention_id",
            unique=True,
            sqlite_where=text("site_id IS NULL"),
            postgresql_where=text("site_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(f"permission IN {TOKEN_PERMISSIONS}", name="permission"),
        ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    permission: Mapped[str] = mapped_column(String(8))
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    site_id: Mapped[int | None]  # NULL: every site of the intervention the user may see
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A one-time code that replaces the authenticator app once; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class PasswordReset(Base):
    """A one-time link an administrator hands to a user; only its SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
