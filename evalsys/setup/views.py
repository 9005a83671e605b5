"""Evaluators set up an intervention: description, questionnaire, rounds, sites, coordinators.

The forms call the same services as the JSON API (evalsys/setup), so both enforce the same
rules, e.g. that a questionnaire with responses is never changed in place.
"""

from __future__ import annotations

import datetime as dt

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from evalsys import setup
from evalsys.accounts.models import User
from evalsys.i18n import _
from evalsys.setup import SetupError, instruments
from evalsys.setup.fields import checked_text
from evalsys.setup.instrument_import import import_form

MAX_INSTRUMENTS = 6


def parse_date(value: str, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SetupError(field, "invalid_date", _("Use a date like 2026-09-01.")) from None


def parse_days(value: str, field: str) -> int | None:
    """A whole number of days, or None when empty (checked further by setup)."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        message = _("Fill in a whole number of days from 0 to 3660, for example 56.")
        raise SetupError(field, "invalid_days", message)
    return int(value)


def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


def choice_value(ref) -> str:
    """The form value of one instrument choice: ``id@version`` (parsed in save_questionnaire)."""
    return f"{ref['id']}@{ref['version']}"


def setup_page(context, request, error: SetupError | None = None, section: str = ""):
    intervention = context.intervention
    current = intervention.questionnaire
    chosen = []
    if current is not None:
        # "id@version", the value of the form's options: with two versions of one instrument
        # in the library, the stored version stays selected, so re-saving keeps it.
        chosen = [choice_value(ref) for ref in current.definition.get("instruments", [])]
    coordinators = {
        site.id: sorted(m.user.username for m in site_memberships(request, site.id))
        for site in intervention.sites
    }
    values = dict(request.POST) if error is not None else {}
    if error is not None:
        request.response.status_int = 409 if error.conflict else 400
    return {
        "error_text": request.localizer.translate(error.args[0]) if error else "",
        "messages": request.session.pop_flash(),
        "import_problems": [],
        "intervention": intervention,
        "library": [i for i in setup.library(request.dbsession) if i.kind != "demographics"],
        "chosen": chosen + [""] * (MAX_INSTRUMENTS - len(chosen)),
        "demographics_blocks": instruments.demographics_blocks(request.dbsession),
        "demographics_choice": demographics_choice(current),
        "coordinators": coordinators,
        "error": error,
        "section": section,
        "values": values,
    }


def demographics_choice(current) -> str:
    """The form value of the demographics block chosen now (``id@version``; "" for none)."""
    if current is None:
        return "standard"
    block = current.definition.get("demographics")
    if not block:
        return ""
    if isinstance(block, dict):
        return f"{block.get('id')}@{block.get('version')}"
    return str(block)


def site_memberships(request, site_id: int):
    from evalsys.accounts.models import Membership

    return request.dbsession.query(Membership).filter_by(site_id=site_id).all()


@view_config(
    route_name="intervention.setup",
    permission="manage",
    renderer="setup.jinja2",
    request_method="GET",
)
def show(context, request):
    return setup_page(context, request)


@view_config(
    route_name="intervention.setup",
    permission="manage",
    renderer="setup.jinja2",
    request_method="POST",
)
def change(context, request):
    action = request.POST.get("action", "")
    handler = ACTIONS.get(action)
    if handler is None:
        return setup_page(context, request)
    try:
        handler(context, request)
    except SetupError as error:
        return setup_page(context, request, error, section=action)
    anchor = {"details": "details", "questionnaire": "questionnaire"}.get(action, action + "s")
    return HTTPSeeOther(
        location=request.route_url(
            "intervention.setup", slug=context.intervention.slug, _anchor=anchor
        )
    )


def save_details(context, request):
    post = request.POST
    intervention = context.intervention
    setup.update_intervention(
        request.dbsession,
        intervention,
        {
            "name": post.get("name", ""),
            "description": post.get("description", ""),
            "target_group": post.get("target_group", ""),
            "protective_factors": lines(post.get("protective_factors", "")),
            "design": post.get("design", intervention.design),
            "retention_days": post.get("retention_days", ""),
            "invitations": post.get("invitations") == "on",
        },
        actor=request.identity,
    )
    consent = {lang: post.get(f"consent_{lang}", "").strip() for lang in ("nl", "en")}
    consent = {lang: text for lang, text in consent.items() if text}
    if consent != (intervention.consent_text or {}):
        intervention.consent_text = consent


def save_questionnaire(context, request):
    refs = []
    for index in range(MAX_INSTRUMENTS):
        choice = request.POST.get(f"instrument_{index}", "")
        if choice:
            instrument_id, _, version = choice.partition("@")
            refs.append((instrument_id, version or None))
    setup.set_questionnaire(
        request.dbsession,
        context.intervention,
        refs,
        demographics=demographics_field(request.POST.get("demographics", "")),
        actor=request.identity,
    )


def demographics_field(value: str) -> bool | str:
    """The demographics select: "" none, "standard" (or "yes") the library's, else id@version."""
    if value in ("standard", "yes"):
        return True
    return value or False


def add_wave(context, request):
    post = request.POST
    setup.add_wave(
        request.dbsession,
        context.intervention,
        label=post.get("label", ""),
        name=post.get("wave_name", ""),
        names={"en": post.get("wave_name_en", "").strip() or None},
        opens_on=parse_date(post.get("opens_on"), "opens_on"),
        closes_on=parse_date(post.get("closes_on"), "closes_on"),
        opens_after_days=parse_days(post.get("opens_after_days"), "opens_after_days"),
        closes_after_days=parse_days(post.get("closes_after_days"), "closes_after_days"),
        participant_code=post.get("participant_code", "assigned"),
        actor=request.identity,
    )


def change_wave(context, request):
    post = request.POST
    wave = next((w for w in context.intervention.waves if w.label == post.get("label")), None)
    if wave is None:
        raise SetupError("label", "unknown", _("This round does not exist."))
    names = {}
    if "wave_name" in post:
        names["nl"] = post["wave_name"]
    if "wave_name_en" in post:
        names["en"] = post["wave_name_en"].strip() or None  # empty: the Dutch name is shown
    setup.update_wave(
        request.dbsession,
        wave,
        {
            "names": names,
            "opens_on": parse_date(post.get("opens_on"), "opens_on"),
            "closes_on": parse_date(post.get("closes_on"), "closes_on"),
            "opens_after_days": parse_days(post.get("opens_after_days"), "opens_after_days"),
            "closes_after_days": parse_days(post.get("closes_after_days"), "closes_after_days"),
            "participant_code": post.get("participant_code", "assigned"),
        },
        actor=request.identity,
    )


def add_site(context, request):
    post = request.POST
    setup.add_site(
        request.dbsession,
        context.intervention,
        slug=post.get("slug", ""),
        name=post.get("site_name", ""),
        municipality=post.get("municipality", ""),
        area=post.get("area", ""),
        organisation=post.get("organisation", ""),
        actor=request.identity,
    )


def assign_coordinator(context, request):
    post = request.POST
    site = next((s for s in context.intervention.sites if s.slug == post.get("site")), None)
    if site is None:
        raise SetupError("site", "unknown", _("This site does not exist."))
    username = checked_text("username", post.get("username", "")).strip()
    user = request.dbsession.query(User).filter_by(username=username)
    user = user.one_or_none()
    if user is None:
        raise SetupError(
            "username",
            "unknown",
            "there is no user with this name; an administrator makes the account first",
        )
    setup.assign_coordinator(request.dbsession, site, user, actor=request.identity)


ACTIONS = {
    "details": save_details,
    "questionnaire": save_questionnaire,
    "wave": add_wave,
    "wave_change": change_wave,
    "site": add_site,
    "coordinator": assign_coordinator,
}


@view_config(
    route_name="intervention.new",
    permission="create_intervention",
    renderer="intervention_new.jinja2",
)
def new_intervention(context, request):
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            intervention = setup.create_intervention(
                request.dbsession,
                slug=post.get("slug", ""),
                name=post.get("name", ""),
                design=post.get("design", "pre_post"),
                description=post.get("description", ""),
                target_group=post.get("target_group", ""),
                protective_factors=lines(post.get("protective_factors", "")),
                creator=request.identity,
            )
        except SetupError as caught:
            error = caught
            request.response.status_int = 409 if caught.conflict else 400
        else:
            return HTTPSeeOther(
                location=request.route_url("intervention.setup", slug=intervention.slug)
            )
    return {
        "error": error,
        "error_text": request.localizer.translate(error.args[0]) if error else "",
        "values": dict(request.POST),
    }


@view_config(
    route_name="intervention.instrument_import",
    permission="manage",
    request_method="POST",
    renderer="setup.jinja2",
)
def import_instrument(context, request):
    """Upload an XLSForm or a REDCap data dictionary: its blocks become instruments to choose."""
    upload = request.POST.get("form_file")
    if upload is None or not hasattr(upload, "file"):
        error = SetupError(
            "form_file",
            "required",
            _(
                "Choose a file to upload: an XLSForm (.xlsx, .xls) or a REDCap data "
                "dictionary (.csv)."
            ),
        )
        return setup_page(context, request, error, section="import")
    intervention = context.intervention
    try:
        result = import_form(
            request.dbsession,
            upload.file.read(),
            upload.filename,
            owner=intervention.slug,
            fmt=request.POST.get("format") or None,
            intervention=intervention,
            actor=request.identity,
            language=request.locale_name,
        )
    except instruments.InstrumentImportError as problem:
        error = SetupError("form_file", problem.code, problem.args[0])
        page = setup_page(context, request, error, section="import")
        page["import_problems"] = problem.problems
        return page
    for message in import_messages(result):
        request.session.flash(request.translate(message))
    return HTTPSeeOther(
        location=request.route_url(
            "intervention.setup", slug=intervention.slug, _anchor="questionnaire"
        )
    )


def import_messages(result) -> list:
    """What the evaluator is told after an import: what was stored, and where the rest went."""
    names = ", ".join(f"{i.id} {i.version}" for i in result.instruments)
    messages = []
    if names:
        messages.append(_("Imported: ${names}. Choose them below.", mapping={"names": names}))
    if result.demographics is not None:
        block = result.demographics
        messages.append(
            _(
                "The questions about the participant are the block ${name}: choose it below "
                "under Questions about the participant.",
                mapping={"name": f"{block.id} {block.version}"},
            )
        )
    consent = {
        "set": _("The form's consent text is now this intervention's consent text."),
        "kept": _(
            "The form has a consent text of its own; this intervention keeps the one it has. "
            "Change it under Description if the form's text is the right one."
        ),
    }.get(result.consent)
    if consent is not None:
        messages.append(consent)
    return messages
