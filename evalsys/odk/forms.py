"""A survey link's questionnaire as an XForm for ODK Collect: its id, version, hash and XML.

The instruments' rows come from surveys.xform (pyxform makes the XForm); evalsys puts before
them what the web survey asks first: consent when the questionnaire has a consent text, and
the participant code (typed, or made from four questions when the wave uses self-generated
codes). ``start`` and ``end`` record when the form was opened and finished, ``instanceID``
(pyxform adds it) is the submission id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from evalsys.i18n import _
from evalsys.programme.questionnaires import Current
from surveys.xform import languages_of, texts, xform, xlsform_rows

# Field names of the rows before the instruments (item ids never take the evalsys_ prefix).
CODE, CONSENT, LANGUAGE = "participant_code", "evalsys_consent", "evalsys_language"
CODE_ELEMENTS = ("mother_initial", "father_initial", "birth_day", "older_siblings")
OWN_FIELDS = {"start", "end", CODE, CONSENT, LANGUAGE, f"{LANGUAGE}_list", *CODE_ELEMENTS}
CONSENT_BY = ("participant", "parent")


@dataclass(frozen=True)
class LinkForm:
    form_id: str
    version: str  # the questionnaire version: Collect updates a form whose version changed
    title: str
    xml: str

    @property
    def hash(self) -> str:
        return "md5:" + hashlib.md5(self.xml.encode("utf-8")).hexdigest()


def form_id(link) -> str:
    """Stable per link, and a valid XML name start (Collect files forms by it)."""
    parts = [link.site.intervention.slug, link.site.slug, link.wave.label]
    if link.group_name != "intervention":
        parts.append(link.group_name)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "evalsys-" + "-".join(parts))


def code_mode(link) -> str:
    return (link.wave.settings or {}).get("participant_code", "assigned")


_cache: dict[tuple, LinkForm] = {}


def link_form(request, link, current: Current) -> LinkForm:
    """The XForm of ``link`` for questionnaire version ``current``; made once per process."""
    intervention = link.site.intervention
    title = f"{intervention.name} · {link.wave.name} ({link.wave.label}) · {link.site.name}"
    if link.group_name != "intervention":
        title += f" · {link.group_name}"
    key = (current.id, form_id(link), title, code_mode(link))
    if key not in _cache:
        questionnaire = current.questionnaire
        languages = languages_of(questionnaire)
        survey, choices = xlsform_rows(questionnaire, languages)
        own, own_choices = _own_rows(request, questionnaire, languages, code_mode(link))
        xml = xform(
            own + survey,
            own_choices + choices,
            form_id=form_id(link),
            title=title,
            version=str(current.version),
            default_language=languages[0],
        )
        _cache[key] = LinkForm(form_id(link), str(current.version), title, xml)
    return _cache[key]


def _own_rows(request, questionnaire, languages, mode: str) -> tuple[list[dict], list[dict]]:
    say = _translator(request, languages)
    rows: list[dict] = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}]
    choices: list[dict] = []
    # The language the form is shown in: ODK has no function for it, but jr:choice-name gives
    # a choice's label in the current language, and this list's label is the language code.
    rows.append(
        {
            "type": f"select_one {LANGUAGE}",
            "name": f"{LANGUAGE}_list",
            **texts(say(_("Language")), languages),
            "relevant": "false()",
        }
    )
    choices.append(
        {"list_name": LANGUAGE, "name": "current", **texts({x: x for x in languages}, languages)}
    )
    rows.append(
        {
            "type": "calculate",
            "name": LANGUAGE,
            "calculation": f"jr:choice-name('current', '${{{LANGUAGE}_list}}')",
        }
    )
    if questionnaire.consent:
        rows.append(
            {
                "type": "note",
                "name": "evalsys_consent_text",
                **texts(questionnaire.consent, languages),
            }
        )
        rows.append(
            {
                "type": f"select_one {CONSENT}",
                "name": CONSENT,
                **texts(say(_("Do you agree to take part?")), languages),
                "required": "yes",
            }
        )
        for value, label in (
            ("participant", _("Yes, I agree (16 or older)")),
            ("parent", _("Yes: I am younger than 16 and a parent or carer agrees")),
        ):
            choices.append({"list_name": CONSENT, "name": value, **texts(say(label), languages)})
    if mode == "self_generated":
        rows += _self_code_rows(say, languages)
    else:
        rows.append(
            {
                "type": "text",
                "name": CODE,
                **texts(say(_("Participant code")), languages),
                **texts(
                    say(_("The code on the participant's card, like AB12CD.")), languages, "hint"
                ),
                "required": "yes",
                "constraint": "regex(., '^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$')",
                **texts(
                    say(_("A code has letters and digits, like AB12CD.")),
                    languages,
                    "constraint_message",
                ),
            }
        )
    return rows, choices


def _self_code_rows(say, languages) -> list[dict]:
    letter = "regex(., '^[A-Za-z]$')"
    questions = (
        ("text", "mother_initial", _("First letter of your mother's first name"), letter),
        ("text", "father_initial", _("First letter of your father's first name"), letter),
        (
            "integer",
            "birth_day",
            _("Day of the month you were born (1 to 31)"),
            ". >= 1 and . <= 31",
        ),
        (
            "integer",
            "older_siblings",
            _("How many older brothers and sisters do you have?"),
            ". >= 0 and . <= 20",
        ),
    )
    rows = [
        {"type": "begin_group", "name": "evalsys_code", **texts(say(_("Your code")), languages)}
    ]
    for kind, name, label, constraint in questions:
        rows.append(
            {
                "type": kind,
                "name": name,
                **texts(say(label), languages),
                "required": "yes",
                "constraint": constraint,
            }
        )
    rows.append({"type": "end_group", "name": "evalsys_code"})
    return rows


def _translator(request, languages):
    """``say(msgid)`` -> the message in each of ``languages`` (English where evalsys has no
    catalog for a language)."""
    directories = request.registry.queryUtility(ITranslationDirectories) or []
    localizers = {lang: make_localizer(lang, directories) for lang in languages}
    return lambda message: {lang: loc.translate(message) for lang, loc in localizers.items()}
