"""Creating an intervention and changing what describes it: name, target group, factors, design."""

from __future__ import annotations

from evalsys.accounts.models import User
from evalsys.accounts.users import add_membership
from evalsys.collection.models import Response
from evalsys.i18n import _
from evalsys.programme.models import DESIGNS, Intervention
from evalsys.setup.fields import (
    NOT_CHANGEABLE,
    SLUG_PATTERN,
    SLUG_RULE,
    SetupError,
    checked_name,
    checked_text,
    record_change,
)

INTERVENTION_FIELDS = (
    "name",
    "description",
    "target_group",
    "protective_factors",
    "design",
    "retention_days",
    "invitations",
)


def create_intervention(
    dbsession,
    *,
    slug: str,
    name: str,
    design: str = "pre_post",
    description: str = "",
    target_group: str = "",
    protective_factors: list[str] = (),
    retention_days: int | str | None = None,
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
    intervention = Intervention(slug=slug, name=checked_name(name), design=_design(design))
    intervention.description = checked_text("description", description, multiline=True)
    intervention.target_group = checked_text("target_group", target_group)
    intervention.protective_factors = _factors(protective_factors)
    intervention.retention_days = checked_retention_days(retention_days)
    dbsession.add(intervention)
    dbsession.flush()
    if creator is not None and creator.role == "evaluator":
        add_membership(dbsession, creator, intervention, None)
    record_change(dbsession, creator, "intervention_created", intervention, slug=slug)
    return intervention


def update_intervention(
    dbsession, intervention: Intervention, changes: dict, *, actor: User | None = None
) -> dict:
    """Change name, description, target group, protective factors, design or retention period
    (days; docs/privacy.md); returns what changed.

    The design can change only while there are no responses: it decides how they are analysed.
    """
    unknown = set(changes) - set(INTERVENTION_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise SetupError(field, "unknown_field", NOT_CHANGEABLE)
    cleaners = {
        "name": checked_name,
        "design": _design,
        "description": lambda v: checked_text("description", v, multiline=True),
        "target_group": lambda v: checked_text("target_group", v),
        "protective_factors": _factors,
        "retention_days": checked_retention_days,
        "invitations": _invitations,
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
        record_change(
            dbsession, actor, "intervention_changed", intervention, fields=sorted(changed)
        )
    dbsession.flush()
    return changed


def _has_responses(dbsession, intervention: Intervention) -> bool:
    return bool(
        dbsession.query(Response.id)
        .filter_by(intervention_id=intervention.id, test=False)  # test responses decide nothing
        .limit(1)
        .count()
    )


def _design(value) -> str:
    if value not in DESIGNS:
        message = _(
            "Choose one of the designs: ${designs}.", mapping={"designs": ", ".join(DESIGNS)}
        )
        raise SetupError("design", "invalid_option", message)
    return value


MAX_RETENTION_DAYS = 36525  # a hundred years: anything longer is a typing error


def _invitations(value) -> bool:
    if not isinstance(value, bool):
        raise SetupError("invitations", "not_a_choice", _("Choose yes or no."))
    return value


def checked_retention_days(value) -> int | None:
    """A retention period in whole days, 1 to 36525, or None (empty: not decided yet, nothing is
    deleted); evalsys.privacy counts it from the end of data collection (docs/privacy.md)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = "" if isinstance(value, bool | float) else str(value).strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= MAX_RETENTION_DAYS:
        message = _("Give the retention period as a whole number of days from 1 to 36525.")
        raise SetupError("retention_days", "out_of_range", message)
    return int(text)


def _factors(values) -> list[str]:
    out = []
    for value in values or ():
        value = checked_text("protective_factors", str(value).strip())
        if value and value not in out:
            out.append(value)
    return out
