"""Settings from the .ini file, overridden by the environment where production needs it."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message says what to do."""


def apply_environment(settings: dict) -> dict:
    """Return settings with ``DATABASE_URL`` (and friends) from the environment applied."""
    settings = dict(settings)
    url = os.environ.get("DATABASE_URL")
    if url:
        settings["sqlalchemy.url"] = normalise_database_url(url)
    elif "sqlalchemy.url" in settings:
        settings["sqlalchemy.url"] = normalise_database_url(settings["sqlalchemy.url"])
    if not settings.get("sqlalchemy.url"):
        raise ConfigurationError(
            "no database configured: set sqlalchemy.url in the .ini file or DATABASE_URL"
        )
    settings["evalsys.session_secret"] = session_secret(settings)
    return settings


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def session_secret(settings: dict) -> str:
    """The secret that signs session cookies.

    Production: ``EVALSYS_SESSION_SECRET`` from the environment, nothing else.
    Development: generated once per install into ``evalsys.session_secret_file``.
    """
    from_env = os.environ.get("EVALSYS_SESSION_SECRET")
    if from_env:
        if len(from_env) < 32:
            raise ConfigurationError("EVALSYS_SESSION_SECRET must be at least 32 characters long")
        return from_env
    path = settings.get("evalsys.session_secret_file")
    if not path:
        raise ConfigurationError(
            "no session secret: set EVALSYS_SESSION_SECRET in the environment "
            "(for example: export EVALSYS_SESSION_SECRET=$(python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))'))"
        )
    secret_file = Path(path)
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


def as_bool(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def work_dir(settings: dict) -> Path:
    """``evalsys.work_dir``; else ``work/`` beside a SQLite database; else a temporary folder."""
    configured = settings.get("evalsys.work_dir")
    if configured:
        folder = Path(configured)
    else:
        url = make_url(settings["sqlalchemy.url"])
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            folder = Path(url.database).resolve().parent / "work"
        else:
            folder = Path(tempfile.gettempdir()) / "evalsys-work"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
