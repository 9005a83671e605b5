"""Reading a form instance Collect sends: its form id and version, instanceID, times and fields.

The XML is parsed with defusedxml (no entities, no external references: the body comes from
anyone with the link). Field values are text; :func:`answers_of` turns them into the answers
the questionnaire validates (option values and numbers as numbers, a select_multiple as a list).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from surveys.model import CHOICE_TYPES
from surveys.questionnaire import Questionnaire

_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")


class InstanceError(ValueError):
    """The body is not a form instance evalsys can read; the message says what is wrong."""


@dataclass
class Instance:
    form_id: str
    version: str
    instance_id: str
    fields: dict[str, str] = field(default_factory=dict)  # leaf name -> text (empty left out)

    def moment(self, name: str) -> dt.datetime | None:
        """The ``start`` or ``end`` time as Collect wrote it (ISO 8601 with an offset)."""
        text = self.fields.get(name)
        if not text:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise InstanceError(f"the form's {name} time {text!r} is not a date and time") from None
        if moment.tzinfo is None:
            raise InstanceError(f"the form's {name} time {text!r} has no time zone")
        return moment

    def duration_seconds(self) -> int | None:
        start, end = self.moment("start"), self.moment("end")
        if start is None or end is None or end < start:
            return None
        return int((end - start).total_seconds())


def _name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]  # without a namespace


def parse_instance(xml: bytes) -> Instance:
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise InstanceError(f"the form is not readable XML ({error})") from None
    form_id = root.get("id")
    if not form_id:
        raise InstanceError("the form has no id; download the blank form again")
    instance_id = ""
    fields: dict[str, str] = {}
    for element in root.iter():
        if element is root or len(element):
            continue
        if _name(element) == "instanceID":
            instance_id = (element.text or "").strip()
            continue
        text = (element.text or "").strip()
        if text:
            fields[_name(element)] = text
    # Leaves of <meta> other than instanceID (instanceName, deprecatedID) are not answers.
    for meta in (m for m in root.iter() if _name(m) == "meta"):
        for element in meta.iter():
            fields.pop(_name(element), None)
    if not instance_id:
        raise InstanceError("the form has no meta/instanceID; download the blank form again")
    return Instance(form_id, root.get("version") or "", instance_id, fields)


def answers_of(instance: Instance, questionnaire: Questionnaire, own: set[str]) -> dict:
    """The answers in ``instance`` (field names other than ``own``'s), typed for validation.

    A value that does not read as its item's type is passed on as text, so that validation
    names the item; a field that is no item is passed on too, as an unknown item.
    """
    items = {item.id: item for block in questionnaire.blocks for item in block.items}
    answers: dict = {}
    for name, text in instance.fields.items():
        if name in own:
            continue
        item = items.get(name)
        if item is None:
            answers[name] = text
        elif item.type in CHOICE_TYPES or item.type == "year":
            answers[name] = int(text) if _INTEGER.match(text) else text
        elif item.type == "multiple_choice":
            parts = text.split()
            answers[name] = [int(p) for p in parts] if all(map(_INTEGER.match, parts)) else text
        elif item.type == "number":
            if _INTEGER.match(text):
                answers[name] = int(text)
            elif _NUMBER.match(text):
                answers[name] = float(text)
            else:
                answers[name] = text
        else:
            answers[name] = text
    return answers
