"""One POST to a receiver, with a short timeout; redirects are not followed (as GitHub does).

The connection goes to the address that was checked (evalsys.webhooks.addresses), with the
URL's host name in the Host header and, for https, in the TLS handshake and certificate check.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from evalsys.webhooks.addresses import NotPublic, public_address

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


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to ``address`` (checked), speaking to the URL's host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address`` (checked); the certificate must name the URL's host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], timeout: float, *, allow_private: bool = False
) -> Answer:
    """POST ``body``; a timeout, a refused connection, a TLS error or an address that is not
    public (unless ``allow_private``) is an Answer too."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    try:
        port = parts.port or (443 if https else 80)
        if allow_private:
            address = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)[0][4][0]
        else:
            address = public_address(parts.hostname, port)
        kind = _PinnedTLS if https else _Pinned
        connection = kind(parts.hostname, port, address, timeout)
    except NotPublic as error:
        return Answer(None, str(error)[:500])
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
