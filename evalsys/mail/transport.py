"""Where mail goes: an SMTP server (``evalsys.mail.transport = smtp``), or a folder of ``.eml``
files (``folder``, the default: ``make run`` needs no mail server; the files open in any mail
program).

Settings: ``evalsys.mail.host``, ``.port`` (587), ``.starttls`` (true), ``.user``, ``.from``,
``.folder`` (default ``<work dir>/mail``); the password comes from the environment,
``EVALSYS_SMTP_PASSWORD``, never from the .ini.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path

from evalsys.settings import as_bool, work_dir

DEFAULT_FROM = "evalsys <noreply@localhost>"
TIMEOUT_SECONDS = 30


class MailNotSent(Exception):
    """The server refused the message or could not be reached: try again later."""


def sender(settings: dict) -> str:
    return settings.get("evalsys.mail.from", DEFAULT_FROM)


def send(settings: dict, message: EmailMessage) -> None:
    """Hand ``message`` to the configured transport; raises MailNotSent."""
    if settings.get("evalsys.mail.transport", "folder") == "smtp":
        _smtp(settings, message)
    else:
        _folder(settings, message)


def _smtp(settings: dict, message: EmailMessage) -> None:
    host = settings.get("evalsys.mail.host", "localhost")
    port = int(settings.get("evalsys.mail.port", 587))
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as server:
            if as_bool(settings.get("evalsys.mail.starttls", True)):
                server.starttls(context=ssl.create_default_context())
            user = settings.get("evalsys.mail.user")
            if user:
                server.login(user, os.environ.get("EVALSYS_SMTP_PASSWORD", ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"{type(error).__name__}: {error}"[:500]) from None


def mail_folder(settings: dict) -> Path:
    folder = settings.get("evalsys.mail.folder")
    return Path(folder) if folder else work_dir(settings) / "mail"


def _folder(settings: dict, message: EmailMessage) -> None:
    folder = mail_folder(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{message['X-Evalsys-Message']}.eml"
        (folder / name).write_bytes(bytes(message))
    except OSError as error:
        raise MailNotSent(f"{type(error).__name__}: {error}"[:500]) from None
