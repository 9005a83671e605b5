"""The settings QR code ODK Collect scans to set up a project: the server address and a name.

As ODK Central makes it: JSON ``{"general": {"server_url": ...}, "admin": {}, "project":
{"name": ...}}``, compressed with zlib and encoded in base64, as a QR code (segno).
"""

from __future__ import annotations

import base64
import io
import json
import zlib

import segno


def settings_payload(server_url: str, project_name: str) -> str:
    settings = {
        "general": {"server_url": server_url},
        "admin": {},
        "project": {"name": project_name, "icon": "E", "color": "#1f5c99"},
    }
    data = json.dumps(settings, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data)).decode("ascii")


def read_payload(payload: str) -> dict:
    """What Collect reads from the code (the tests use it)."""
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))


def settings_qr_svg(payload: str, title: str) -> str:
    buffer = io.BytesIO()
    segno.make(payload, error="l", micro=False).save(
        buffer, kind="svg", scale=5, border=4, title=title, xmldecl=False, svgclass="qr"
    )
    return buffer.getvalue().decode("utf-8")
