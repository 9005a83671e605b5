"""Setting up an intervention: create it, add sites and waves, choose its questionnaire, assign
coordinators. The JSON API and the web forms call these same functions.

Every function takes the session, raises :class:`SetupError` naming the field that is wrong, and
writes an audit event when ``actor`` is given. None of them commits (pyramid_tm does).
"""

from __future__ import annotations

import datetime as dt
import re

import surveys
from evalsys import audit
from evalsys.accounts.models import Membership, User
from evalsys.accounts.users import UserError, add_membership
from evalsys.collection import links
from evalsys.collection.models import Response
from evalsys.i18n import _
from evalsys.programme import questionnaires
from evalsys.programme.models import DESIGNS, Intervention, Questionnaire, Site, Wave
from evalsys.setup import instruments as stored_instruments

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
WAVE_LABEL_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
CODE_MODES = ("assigned", "self_generated")
INTERVENTION_FIELDS = ("name", "description", "target_group", "protective_factors", "design")
SLUG_RULE = _("Use 2 to 64 lower-case letters, digits and dashes, like samen-sterk.")
NOT_CHANGEABLE = _("This field cannot be changed here.")


class SetupError(ValueError):
    """A set-up step cannot be done; ``field`` names the input that is wrong."""

    def __init__(self, field: str, code: str, message, *, conflict: bool = False):
        super().__init__(message)  # a TranslationString: web forms translate args[0]
        self.field = field
        self.code = code
        self.conflict = conflict  # True: clashes with what exists (HTTP 409), else invalid (422)

    @property
    def message(self) -> str:
        """The English text (what the JSON API sends)."""
        text = self.args[0]
        return text.interpolate() if hasattr(text, "interpolate") else str(text)

    @property
    def details(self) -> list[dict]:
        return [{"field": self.field, "code": self.code, "message": self.message}]


def library(dbsession=None) -> list[surveys.Instrument]:
    """The instruments an evaluator can choose from: the bundled library and stored imports."""
    if dbsession is None:
        found = surveys.bundled_instruments()
    else:
        found = stored_instruments.available(dbsession)
    return sorted(found, key=lambda i: (i.kind, i.id, i.version))


def create_intervention(
    dbsession,
    *,
    slug: str,
    name: str,
    design: str = "pre_post",
    description: str = "",
    target_group: str = "",
    protective_factors: list[str] = (),
    creator: User | None = None,
) -> Intervention:
    """Create an intervention; an evaluator who creates it becomes its evaluator (a membership)."""
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
        raise SetupError("slug", "invalid_format", SLUG_RULE)
    if dbsession.query(Intervention).filter_by(slug=slug).count():
        message = _(
            "An intervention with the short name ${slug} already exists.", mapping={"slug": slug}
        )
        raise SetupError("slug", "taken", message, conflict=True)
    intervention = Intervention(slug=slug, name=_name(name), design=_design(design))
    intervention.description = description or ""
    intervention.target_group = target_group or ""
    intervention.protective_factors = _factors(protective_factors)
    dbsession.add(intervention)
    dbsession.flush()
    if creator is not None and creator.role == "evaluator":
        add_membership(dbsession, creator, intervention, None)
    _audit(dbsession, creator, "intervention_created", intervention, slug=slug)
    return intervention


def update_intervention(
    dbsession, intervention: Intervention, changes: dict, *, actor: User | None = None
) -> dict:
    """Change name, description, target group, protective factors or design; returns what changed.

    The design can change only while there are no responses: it decides how they are analysed.
    """
    unknown = set(changes) - set(INTERVENTION_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise SetupError(field, "unknown_field", NOT_CHANGEABLE)
    cleaners = {
        "name": _name,
        "design": _design,
        "description": lambda v: v or "",
        "target_group": lambda v: v or "",
        "protective_factors": _factors,
    }
    changed = {}
    for field, value in changes.items():
        value = cleaners[field](value)
        if getattr(intervention, field) != value:
            changed[field] = value
    if "design" in changed and _has_responses(dbsession, intervention):
        raise SetupError(
            "design",
            "has_responses",
            _("The design cannot change once responses are in. Create a new intervention."),
            conflict=True,
        )
    for field, value in changed.items():
        setattr(intervention, field, value)
    if changed:
        _audit(dbsession, actor, "intervention_changed", intervention, fields=sorted(changed))
    dbsession.flush()
    return changed


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
        name=_name(name),
        municipality=(municipality or "").strip(),
        area=(area or "").strip(),
        organisation=(organisation or "").strip(),
    )
    intervention.sites.append(site)
    dbsession.flush()
    links.ensure_links(dbsession, intervention)  # every site x round x group gets its link
    _audit(dbsession, actor, "site_added", intervention, site_id=site.id, slug=slug)
    return site


def add_wave(
    dbsession,
    intervention: Intervention,
    *,
    label: str,
    name: str,
    position: int | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    participant_code: str = "assigned",
    actor: User | None = None,
) -> Wave:
    """Add a measurement occasion; ``position`` None puts it after the last wave."""
    label = (label or "").strip()
    if not WAVE_LABEL_PATTERN.match(label):
        message = _("Use 1 to 16 letters, digits, dashes or underscores, like T0.")
        raise SetupError("label", "invalid_format", message)
    if any(wave.label == label for wave in intervention.waves):
        message = _("This intervention already has a wave ${label}.", mapping={"label": label})
        raise SetupError("label", "taken", message, conflict=True)
    if position is None:
        position = max((w.position for w in intervention.waves), default=-1) + 1
    elif any(wave.position == position for wave in intervention.waves):
        message = _(
            "Another wave already has position ${position}.", mapping={"position": position}
        )
        raise SetupError("position", "taken", message, conflict=True)
    _check_dates(opens_on, closes_on)
    wave = Wave(
        label=label,
        name=_name(name),
        position=position,
        opens_on=opens_on,
        closes_on=closes_on,
        settings={"participant_code": _code_mode(participant_code)},
    )
    intervention.waves.append(wave)
    dbsession.flush()
    links.ensure_links(dbsession, intervention)  # every site x round x group gets its link
    _audit(dbsession, actor, "wave_added", intervention, label=label)
    return wave


def update_wave(dbsession, wave: Wave, changes: dict, *, actor: User | None = None) -> dict:
    """Change a wave's name, opening and closing dates or participant code mode."""
    allowed = ("name", "opens_on", "closes_on", "participant_code")
    unknown = set(changes) - set(allowed)
    if unknown:
        raise SetupError(sorted(unknown)[0], "unknown_field", NOT_CHANGEABLE)
    opens_on = changes.get("opens_on", wave.opens_on)
    closes_on = changes.get("closes_on", wave.closes_on)
    _check_dates(opens_on, closes_on)
    changed = {}
    if "name" in changes and _name(changes["name"]) != wave.name:
        changed["name"] = wave.name = _name(changes["name"])
    if opens_on != wave.opens_on:
        changed["opens_on"] = wave.opens_on = opens_on
    if closes_on != wave.closes_on:
        changed["closes_on"] = wave.closes_on = closes_on
    if "participant_code" in changes:
        mode = _code_mode(changes["participant_code"])
        if (wave.settings or {}).get("participant_code", "assigned") != mode:
            wave.settings = {**(wave.settings or {}), "participant_code": mode}
            changed["participant_code"] = mode
    if changed:
        _audit(
            dbsession,
            actor,
            "wave_changed",
            wave.intervention,
            label=wave.label,
            fields=sorted(changed),
        )
    dbsession.flush()
    return changed


def set_questionnaire(
    dbsession,
    intervention: Intervention,
    instruments: list[tuple[str, str | None]],
    *,
    demographics: bool = True,
    actor: User | None = None,
) -> tuple[Questionnaire, bool]:
    """Choose and order the instruments; returns (current version, whether it is new).

    Versions are never changed in place (responses keep the version they were given with), so
    a change always makes a new version through :func:`questionnaires.save_version`; the same
    instruments in the same order keep the current one.
    """
    stored_instruments.register_stored(dbsession)
    if not instruments:
        raise SetupError("instruments", "required", _("Choose at least one instrument."))
    refs = []
    for index, (instrument_id, version) in enumerate(instruments):
        try:
            instrument = surveys.load_instrument(instrument_id, version)
        except surveys.UnknownInstrumentError:
            field = f"instruments[{index}].{'version' if version else 'id'}"
            message = _("This instrument is not in the library.")
            raise SetupError(field, "unknown_instrument", message) from None
        if instrument.kind == "demographics":
            raise SetupError(
                f"instruments[{index}].id",
                "not_allowed",
                _(
                    "Add the questions about the participant with their own choice, "
                    "not as an instrument."
                ),
            )
        if any(ref[0] == instrument.id for ref in refs):
            message = _("This instrument is chosen twice.")
            raise SetupError(f"instruments[{index}].id", "duplicate", message)
        refs.append((instrument.id, instrument.version))
    current = intervention.questionnaire
    if current is not None and _same_choice(current, refs, demographics):
        return current, False
    try:
        built = questionnaires.build(
            intervention, refs, demographics="demographics" if demographics else None
        )
    except surveys.InstrumentError as error:
        # e.g. two instruments that share an item id cannot be in one questionnaire
        message = _(
            "These instruments cannot be in one questionnaire: ${problem}",
            mapping={"problem": str(error)},
        )
        raise SetupError("instruments", "incompatible", message) from None
    row = questionnaires.save_version(dbsession, intervention, built)
    _audit(
        dbsession,
        actor,
        "questionnaire_changed",
        intervention,
        version=row.version,
        instruments=[f"{i}@{v}" for i, v in refs],
    )
    return row, True


def assign_coordinator(
    dbsession, site: Site, user: User, *, actor: User | None = None
) -> tuple[Membership, bool]:
    """Give a coordinator account access to ``site``; returns (membership, whether it is new)."""
    for membership in user.memberships:
        if membership.site_id == site.id:
            return membership, False
    if user.role != "coordinator":
        message = _(
            "${username} is not a coordinator account.", mapping={"username": user.username}
        )
        raise SetupError("username", "not_a_coordinator", message)
    try:
        membership = add_membership(dbsession, user, site.intervention, site)
    except UserError as error:
        raise SetupError("username", "invalid", error.args[0]) from None
    if actor is not None:
        audit.record(
            dbsession,
            "membership_added",
            actor=actor,
            target_type="user",
            target_id=user.id,
            intervention_id=site.intervention_id,
            site_id=site.id,
        )
    return membership, True


def has_responses(dbsession, questionnaire: Questionnaire) -> bool:
    return bool(
        dbsession.query(Response.id).filter_by(questionnaire_id=questionnaire.id).limit(1).count()
    )


def _same_choice(current: Questionnaire, refs: list, demographics: bool) -> bool:
    loaded = questionnaires.load(current)
    return [(b.id, b.version) for b in loaded.instruments] == refs and (
        loaded.demographics is not None
    ) == demographics


def _has_responses(dbsession, intervention: Intervention) -> bool:
    return bool(
        dbsession.query(Response.id).filter_by(intervention_id=intervention.id).limit(1).count()
    )


def _check_dates(opens_on, closes_on) -> None:
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        message = _("The closing date is before the opening date.")
        raise SetupError("closes_on", "before_opening", message)


def _name(value) -> str:
    value = (value or "").strip()
    if not value or len(value) > 200:
        raise SetupError("name", "required", _("Give a name of at most 200 characters."))
    return value


def _design(value) -> str:
    if value not in DESIGNS:
        message = _(
            "Choose one of the designs: ${designs}.", mapping={"designs": ", ".join(DESIGNS)}
        )
        raise SetupError("design", "invalid_option", message)
    return value


def _code_mode(value) -> str:
    if value not in CODE_MODES:
        message = _(
            "Choose how participants give their code: ${modes}.",
            mapping={"modes": ", ".join(CODE_MODES)},
        )
        raise SetupError("participant_code", "invalid_option", message)
    return value


def _factors(values) -> list[str]:
    out = []
    for value in values or ():
        value = str(value).strip()
        if value and value not in out:
            out.append(value)
    return out


def _audit(dbsession, actor, action: str, intervention: Intervention, **details) -> None:
    if actor is None:
        return
    audit.record(
        dbsession,
        action,
        actor=actor,
        target_type="intervention",
        target_id=intervention.slug,
        intervention_id=intervention.id,
        **details,
    )
