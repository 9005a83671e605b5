"""The requests ODK Collect sends (OpenRosa 1.0), and the instance XML it writes for a form."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from email.utils import formatdate

XFORMS = "http://www.w3.org/2002/xforms"
# What Collect (v2024.x, okhttp) sends with every OpenRosa request.
HEADERS = {
    "X-OpenRosa-Version": "1.0",
    "Accept-Encoding": "gzip,deflate",
    "User-Agent": "org.odk.collect.android/v2024.2.4 okhttp/4.12.0 Dalvik/2.1.0",
}


def headers(language: str = "nl") -> dict:
    return {**HEADERS, "Date": formatdate(usegmt=True), "Accept-Language": language}


class Collect:
    """A Collect device configured with the server URL ``/odk/key/<token>``."""

    def __init__(self, testapp, token: str, language: str = "en"):
        self.testapp, self.base, self.language = testapp, f"/odk/key/{token}", language

    def form_list(self, status=200, **params):
        return self.testapp.get(
            self.base + "/formList",
            params=params,
            headers=headers(self.language),
            status=status,
        )

    def download(self, url: str, status=200):
        path = url.split("localhost", 1)[-1]
        return self.testapp.get(path, headers=headers(self.language), status=status)

    def head_submission(self, status=204):
        return self.testapp.head(
            self.base + "/submission", headers=headers(self.language), status=status
        )

    def submit(self, instance_xml: bytes, status=201, extra_files=()):
        name = f"form_{dt.datetime.now():%Y-%m-%d_%H-%M-%S}.xml"
        files = [("xml_submission_file", name, instance_xml, "text/xml")]
        files += list(extra_files)
        return self.testapp.post(
            self.base + "/submission",
            upload_files=[(field, fname, body, kind) for field, fname, body, kind in files],
            headers=headers(self.language),
            status=status,
        )


def instance_xml(
    xform: str,
    values: dict[str, str],
    *,
    instance_id: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    version: str | None = None,
) -> bytes:
    """The instance Collect writes for the XForm's primary instance: the same elements, without
    the XForms namespace, the form's id and version on the root, values filled in by name."""
    root = ET.fromstring(xform)
    template = root.find(f".//{{{XFORMS}}}model/{{{XFORMS}}}instance")[0]
    end = end or dt.datetime.now(dt.timezone(dt.timedelta(hours=1)))
    start = start or end - dt.timedelta(minutes=5)
    filled = {
        "start": start.isoformat(timespec="milliseconds"),
        "end": end.isoformat(timespec="milliseconds"),
        "instanceID": instance_id or f"uuid:{uuid.uuid4()}",
        **values,
    }

    def copy(element):
        name = element.tag.rsplit("}", 1)[-1]
        out = ET.Element(name)
        for child in element:
            out.append(copy(child))
        if not len(element):
            out.text = filled.get(name)
        return out

    data = copy(template)
    data.set("id", template.get("id"))
    data.set("version", version if version is not None else template.get("version"))
    data.set("xmlns:jr", "http://openrosa.org/javarosa")
    data.set("xmlns:orx", "http://openrosa.org/xforms")
    return b"<?xml version='1.0' ?>" + ET.tostring(data)


def message_of(response) -> str:
    """The ``<message>`` of an OpenRosaResponse (what Collect shows)."""
    root = ET.fromstring(response.body)
    assert root.tag == "{http://openrosa.org/http/response}OpenRosaResponse", root.tag
    return root.find("{http://openrosa.org/http/response}message").text
