"""Where a webhook may send: public addresses only, unless the deployment allows its own network.

A URL that an evaluator types is a request evalsys makes from inside its network: without a
check, ``http://10.0.0.5/admin`` or ``http://169.254.169.254/`` (a cloud's metadata service)
would be reached from the server (server-side request forgery). So a receiver's host must
resolve to public addresses only; ``evalsys.webhooks.allow_private_addresses = true`` lifts
this for a deployment whose receivers live in its own network (and for the tests' local
receiver). The address checked is the address connected to (evalsys.webhooks.transport), so a
name that resolves differently a moment later (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket

from pyramid.settings import asbool

SETTING = "evalsys.webhooks.allow_private_addresses"
# Names that never lead to the public internet.
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


class NotPublic(Exception):
    """The receiver's host is, or resolves to, an address that is not public."""


def private_allowed(settings: dict) -> bool:
    return asbool(settings.get(SETTING, False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def named_private(host: str) -> bool:
    """Plainly private without asking DNS: an IP literal that is not public, or a local name."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(PRIVATE_SUFFIXES):
        return True
    try:
        return not is_public(name)
    except ValueError:
        return False  # a host name: DNS answers at delivery time


def public_address(host: str, port: int) -> str:
    """The address to connect to: the first the name resolves to, if every one is public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise OSError(f"the host name {host} cannot be resolved ({error})") from error
    addresses = [info[4][0] for info in found]
    private = [a for a in addresses if not is_public(a)]
    if private:
        raise NotPublic(
            f"{host} resolves to {private[0]}, which is not a public address; a receiver in "
            f"your own network needs {SETTING} = true"
        )
    return addresses[0]
