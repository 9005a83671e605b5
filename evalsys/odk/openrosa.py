"""The OpenRosa responses: the headers every answer carries, the form list, OpenRosaResponse."""

from __future__ import annotations

from email.utils import formatdate
from xml.sax.saxutils import escape

from pyramid.response import Response

OPENROSA_VERSION = "1.0"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
RESPONSE_NS = "http://openrosa.org/http/response"
XML = "text/xml"


def openrosa_response(
    body: bytes | str = b"", status: int = 200, content_type: str | None = XML, language="nl"
) -> Response:
    """A response with the headers of the OpenRosa HTTP API: its version and the server date."""
    response = Response(status=status)
    if content_type is not None:
        response.content_type = content_type
        response.charset = "utf-8"
    response.body = body.encode("utf-8") if isinstance(body, str) else body
    response.headers["X-OpenRosa-Version"] = OPENROSA_VERSION
    response.headers["Date"] = formatdate(usegmt=True)
    response.headers["Content-Language"] = language
    return response


def message(text: str, status: int, *, nature: str = "", language: str = "nl") -> Response:
    """An ``<OpenRosaResponse>`` with one ``<message>``: Collect shows it to its user, for a
    success as for a refusal."""
    attribute = f' nature="{escape(nature)}"' if nature else ""
    body = (
        f'<OpenRosaResponse xmlns="{RESPONSE_NS}">'
        f"<message{attribute}>{escape(text)}</message></OpenRosaResponse>"
    )
    return openrosa_response(body, status, language=language)


def form_list(forms: list[dict]) -> str:
    """The ``<xforms>`` form list: formID, name, version, hash, downloadUrl (and manifestUrl
    for a form with media files, which evalsys's forms have not)."""
    entries = []
    for form in forms:
        fields = "".join(
            f"<{name}>{escape(str(form[name]))}</{name}>"
            for name in ("formID", "name", "version", "hash", "descriptionText", "downloadUrl")
            if form.get(name) is not None
        )
        if form.get("manifestUrl"):
            fields += f"<manifestUrl>{escape(form['manifestUrl'])}</manifestUrl>"
        entries.append(f"<xform>{fields}</xform>")
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{head}<xforms xmlns="{FORM_LIST_NS}">{"".join(entries)}</xforms>'
