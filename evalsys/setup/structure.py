"""Where and when an intervention measures: its sites and its waves."""

from __future__ import annotations

import datetime as dt
import re

from evalsys.accounts.models import User
from evalsys.collection import links
from evalsys.i18n import LANGUAGES, _
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.setup.fields import (
    NOT_CHANGEABLE,
    SLUG_PATTERN,
    SLUG_RULE,
    SetupError,
    checked_name,
    checked_text,
    record_change,
)

WAVE_LABEL_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# handed out: any well-formed code; issued: only the site's issued codes (collection.issued_codes)
CODE_MODES = ("assigned", "issued", "self_generated")


def add_site(
    dbsession,
    intervention: Intervention,
    *,
    slug: str,
    name: str,
    municipality: str = "",
    area: str = "",
    organisation: str = "",
    actor: User | None = None,
) -> Site:
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
        raise SetupError("slug", "invalid_format", SLUG_RULE)
    if any(site.slug == slug for site in intervention.sites):
        message = _(
            "This intervention already has a site with the short name ${slug}.",
            mapping={"slug": slug},
        )
        raise SetupError("slug", "taken", message, conflict=True)
    site = Site(
        slug=slug,
        name=checked_name(name),
        municipality=checked_text("municipality", municipality).strip(),
        area=checked_text("area", area).strip(),
        organisation=checked_text("organisation", organisation).strip(),
    )
    intervention.sites.append(site)
    dbsession.flush()
    links.ensure_links(dbsession, intervention)  # every site x round x group gets its link
    record_change(dbsession, actor, "site_added", intervention, site_id=site.id, slug=slug)
    return site


def add_wave(
    dbsession,
    intervention: Intervention,
    *,
    label: str,
    name: str,
    names: dict | None = None,
    position: int | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    opens_after_days: int | None = None,
    closes_after_days: int | None = None,
    participant_code: str = "assigned",
    actor: User | None = None,
) -> Wave:
    """Add a measurement occasion; ``position`` None puts it after the last wave.

    ``name`` is the Dutch name; ``names`` adds the names in other languages (language -> name).
    """
    label = (label or "").strip()
    if not WAVE_LABEL_PATTERN.match(label):
        message = _("Use 1 to 16 letters, digits, dashes or underscores, like T0.")
        raise SetupError("label", "invalid_format", message)
    if any(wave.label == label for wave in intervention.waves):
        message = _("This intervention already has a round ${label}.", mapping={"label": label})
        raise SetupError("label", "taken", message, conflict=True)
    if position is None:
        position = max((w.position for w in intervention.waves), default=-1) + 1
    elif any(wave.position == position for wave in intervention.waves):
        message = _(
            "Another round already has position ${position}.", mapping={"position": position}
        )
        raise SetupError("position", "taken", message, conflict=True)
    _check_dates(opens_on, closes_on)
    first = all(position < w.position for w in intervention.waves)
    _check_schedule(opens_after_days, closes_after_days, first=first)
    names = {"nl": checked_name(name), **_checked_names(names or {})}
    names = {language: text for language, text in names.items() if text is not None}
    wave = Wave(
        label=label,
        name=names["nl"],
        names=names,
        position=position,
        opens_on=opens_on,
        closes_on=closes_on,
        opens_after_days=opens_after_days,
        closes_after_days=closes_after_days,
        settings={"participant_code": _code_mode(participant_code)},
    )
    intervention.waves.append(wave)
    dbsession.flush()
    links.ensure_links(dbsession, intervention)  # every site x round x group gets its link
    record_change(dbsession, actor, "wave_added", intervention, label=label)
    return wave


def update_wave(dbsession, wave: Wave, changes: dict, *, actor: User | None = None) -> dict:
    """Change a wave's names, opening and closing dates, personal window or code mode.

    ``names`` changes the languages it holds (None: that language has no name of its own);
    ``name`` is the Dutch name.
    """
    allowed = ("name", "names", "opens_on", "closes_on", "opens_after_days", "closes_after_days")
    allowed += ("participant_code",)
    unknown = set(changes) - set(allowed)
    if unknown:
        raise SetupError(sorted(unknown)[0], "unknown_field", NOT_CHANGEABLE)
    opens_on = changes.get("opens_on", wave.opens_on)
    closes_on = changes.get("closes_on", wave.closes_on)
    _check_dates(opens_on, closes_on)
    opens_after = changes.get("opens_after_days", wave.opens_after_days)
    closes_after = changes.get("closes_after_days", wave.closes_after_days)
    first = all(wave.position <= w.position for w in wave.intervention.waves)
    _check_schedule(opens_after, closes_after, first=first)
    names = {"nl": wave.name, **(wave.names or {})}
    if "name" in changes:
        names["nl"] = checked_name(changes["name"])
    names.update(_checked_names(changes.get("names", {})))
    if names.get("nl") is None:
        raise SetupError("names.nl", "required", NAME_MESSAGES["nl"])
    names = {language: text for language, text in names.items() if text is not None}
    changed = {}
    if names["nl"] != wave.name:
        changed["name"] = wave.name = names["nl"]
    if names != (wave.names or {}):
        changed["names"] = wave.names = names
    if opens_on != wave.opens_on:
        changed["opens_on"] = wave.opens_on = opens_on
    if closes_on != wave.closes_on:
        changed["closes_on"] = wave.closes_on = closes_on
    if opens_after != wave.opens_after_days:
        changed["opens_after_days"] = wave.opens_after_days = opens_after
    if closes_after != wave.closes_after_days:
        changed["closes_after_days"] = wave.closes_after_days = closes_after
    if "participant_code" in changes:
        mode = _code_mode(changes["participant_code"])
        if (wave.settings or {}).get("participant_code", "assigned") != mode:
            wave.settings = {**(wave.settings or {}), "participant_code": mode}
            changed["participant_code"] = mode
    if changed:
        record_change(
            dbsession,
            actor,
            "wave_changed",
            wave.intervention,
            label=wave.label,
            fields=sorted(changed),
        )
    dbsession.flush()
    return changed


NAME_MESSAGES = {
    "nl": _("Give the Dutch name of the round, at most 200 characters."),
    "en": _("Give the English name of the round, at most 200 characters, or leave it empty."),
}


def _checked_names(names) -> dict:
    """Names per interface language, each checked like a name; None: no name of its own."""
    if not isinstance(names, dict):
        message = _("Give the names per language, for example nl and en.")
        raise SetupError("names", "invalid_format", message)
    checked = {}
    for language, text in names.items():
        if language not in LANGUAGES:
            message = _(
                "Give names in these languages only: ${languages}.",
                mapping={"languages": ", ".join(LANGUAGES)},
            )
            raise SetupError(f"names.{language}", "unknown_language", message)
        if text is None:
            checked[language] = None
            continue
        try:
            checked[language] = checked_name(text)
        except SetupError as error:
            message = NAME_MESSAGES[language] if error.code == "required" else error.args[0]
            raise SetupError(f"names.{language}", error.code, message) from None
    return checked


MAX_DAYS = 3660  # ten years


def _check_schedule(opens_after, closes_after, *, first: bool) -> None:
    """Whole days from 0 to ten years, closing not before opening, never on the first round."""
    if opens_after is None and closes_after is None:
        return
    if first:
        message = _(
            "The first round has no round before it: give it fixed dates, or leave the days "
            "after the previous round empty."
        )
        raise SetupError("opens_after_days", "first_round", message)
    for field, days in (("opens_after_days", opens_after), ("closes_after_days", closes_after)):
        if days is not None and (
            isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS
        ):
            message = _("Fill in a whole number of days from 0 to 3660, for example 56.")
            raise SetupError(field, "invalid_days", message)
    if opens_after is not None and closes_after is not None and closes_after < opens_after:
        message = _("The round closes before it opens: make the second number of days larger.")
        raise SetupError("closes_after_days", "before_opening", message)


def _check_dates(opens_on, closes_on) -> None:
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        message = _("The closing date is before the opening date.")
        raise SetupError("closes_on", "before_opening", message)


def _code_mode(value) -> str:
    if value not in CODE_MODES:
        message = _(
            "Choose how participants give their code: ${modes}.",
            mapping={"modes": ", ".join(CODE_MODES)},
        )
        raise SetupError("participant_code", "invalid_option", message)
    return value
