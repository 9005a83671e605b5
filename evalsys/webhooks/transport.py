"""One POST to a receiver, with a short timeout; redirects are not followed (as GitHub does)."""

from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 10.0
READ_AT_MOST = 64 * 1024  # of the receiver's answer, which only its status matters of


@dataclass(frozen=True)
class Answer:
    """The receiver's HTTP status, or (none came) what went wrong."""

    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body``; a timeout, a refused connection or a TLS error is an Answer too."""
    parts = urlsplit(url)
    try:
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    except (OSError, ValueError) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(READ_AT_MOST)
        return Answer(response.status, None if 200 <= response.status < 300 else response.reason)
    except TimeoutError:
        return Answer(None, f"no answer within {timeout:g} seconds")
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
