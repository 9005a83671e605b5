"""A real SMTP server for the mail tests (aiosmtpd), listening on a free local port."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the server received; ``refuse`` answers the next N messages with a 451."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """(inbox, settings that send through it)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            inbox,
            {
                "evalsys.mail.transport": "smtp",
                "evalsys.mail.host": "127.0.0.1",
                "evalsys.mail.port": str(port),
                "evalsys.mail.starttls": "false",
                "evalsys.mail.from": "evalsys <evalsys@example.org>",
                "evalsys.public_url": "https://evalsys.example.org",
            },
        )
    finally:
        controller.stop()
