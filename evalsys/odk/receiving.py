"""Receiving one filled-in form from ODK Collect: the multipart body, the instance, storing it.

Whatever stops a form is a :class:`Refusal`: a status and a message (a msgid with its mapping)
that the view sends as an OpenRosaResponse in the device's language.
"""

from __future__ import annotations

from sqlalchemy import select

from evalsys.collection import answer_window, issued_codes
from evalsys.collection.models import SurveyLink
from evalsys.collection.participant_codes import CodeError, self_generated_code
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    CodeNotIssued,
    InvalidAnswers,
    SubmissionConflict,
    SubmissionError,
    SubmissionIdReused,
    WrongSite,
)
from evalsys.collection.submissions import Submission, submit
from evalsys.i18n import _, ngettext
from evalsys.odk import forms
from evalsys.odk.instances import InstanceError, answers_of, parse_instance
from evalsys.programme import questionnaires
from evalsys.programme.models import Questionnaire
from surveys.xform import languages_of

SUBMISSION_PART = "xml_submission_file"
INCOMPLETE_PART = "*isIncomplete*"  # Collect's flag when it splits a large set of files


class Refusal(Exception):
    def __init__(self, status: int, message: str, mapping: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.mapping = status, message, mapping


def _xml_part(request) -> bytes:
    if not request.content_type.startswith("multipart/form-data"):
        raise Refusal(
            400,
            _("Send the form as multipart/form-data with an xml_submission_file part."),
        )
    post = request.POST
    files = [name for name in post if name not in (SUBMISSION_PART, INCOMPLETE_PART)]
    if files:
        raise Refusal(
            400,
            _(
                "This form takes no photos, sound or other files, but ${count} came with it. "
                "Download the blank form again and fill it in anew."
            ),
            {"count": len(files)},
        )
    part = post.get(SUBMISSION_PART)
    if part is None:
        raise Refusal(400, _("The form is missing: the request has no xml_submission_file part."))
    return part.file.read() if hasattr(part, "file") else str(part).encode("utf-8")


def store(request, link: SurveyLink) -> bool:
    """Store the form in the request's body (True) or find it stored before (False)."""
    try:
        instance = parse_instance(_xml_part(request))
    except InstanceError as error:
        raise Refusal(
            400,
            _("The form cannot be read (${problem}). Download the blank form again."),
            {"problem": str(error)},
        ) from None
    form_id = forms.form_id(link)
    if instance.form_id != form_id:
        raise Refusal(
            400,
            _(
                "This form belongs to another survey link (${form}); send it with the server "
                "address of that link."
            ),
            {"form": instance.form_id},
        )
    version = _version(request, link, instance.version)
    try:
        submitted_at = instance.moment("end") or instance.moment("start")
        duration = instance.duration_seconds()
    except InstanceError as error:
        problem = {"problem": str(error)}
        raise Refusal(400, _("The form cannot be read (${problem})."), problem) from None
    limits = answer_window.bounds(request.registry.settings)
    try:
        answer_window.check_window(
            is_open=link.is_open,
            wave_label=link.wave.label,
            opens_on=link.wave.opens_on,
            closes_on=link.wave.closes_on,
            submitted_at=submitted_at,
            limits=limits,
        )
    except answer_window.LinkClosed as error:
        raise _closed(link, error) from None
    except answer_window.WindowError as error:
        message = {
            "future": _("The form's end time is in the future."),
            "before_opening": _("The form's end time is long before round ${wave} opened."),
        }.get(error.reason, _("The form's end time cannot be read."))
        reason = request.translate(message, mapping={"wave": link.wave.label})
        raise Refusal(
            400,
            _(
                "The time on this form cannot be right: ${reason} Check the date and time of the "
                "device."
            ),
            {"reason": reason},
        ) from None
    fields = instance.fields
    code = _participant_code(link, fields)
    consent_by = fields.get(forms.CONSENT)
    if version.questionnaire.consent and consent_by not in forms.CONSENT_BY:
        raise Refusal(400, _("The form has no consent answer; nothing was stored."))
    languages = languages_of(version.questionnaire)
    language = fields.get(forms.LANGUAGE)
    language = language if language in languages else languages[0]
    try:
        stored = submit(
            request.dbsession,
            Submission(
                submission_id=instance.instance_id.removeprefix("uuid:"),
                intervention=link.site.intervention,
                site=link.site,
                wave=link.wave,
                participant_code=code,
                answers=answers_of(instance, version.questionnaire, forms.OWN_FIELDS),
                language=language,
                # ODK Collect is a client that collects offline, as a client of the JSON API
                # may be: the same mode (a new one would rebuild the responses table).
                mode="api",
                group=link.group_name,
                duration_seconds=duration,
                consent_by=consent_by if consent_by in forms.CONSENT_BY else None,
                consent_at=submitted_at if consent_by else None,
                code_elements=forms.code_mode(link) == "self_generated",
                issued_only=forms.code_mode(link) == issued_codes.ISSUED,
                submitted_at=submitted_at,
                questionnaire=version,
            ),
        )
    except SubmissionError as error:
        raise _submission_refusal(request, error) from None
    return stored.created


def _closed(link, error: answer_window.LinkClosed) -> Refusal:
    mapping = {"wave": link.wave.label, **{k: v.isoformat() for k, v in error.dates.items()}}
    message = {
        "closed": _("The survey link of this round is closed; ask your coordinator."),
        "not_open_yet": _("Round ${wave} opens on ${date}; send the form from then on."),
        "wave_closed": _("Round ${wave} closed on ${date}, before this form was finished."),
        "grace_over": _(
            "Round ${wave} closed on ${date}; forms filled in while it was open were "
            "accepted until ${last}."
        ),
    }[error.reason]
    return Refusal(403, message, mapping)


def _version(request, link, text: str):
    """The questionnaire version the form was made from: a form downloaded before a new
    version came is stored with the version it was filled in with."""
    if not text.isdigit() or len(text) > 9:
        raise Refusal(
            400,
            _(
                "The form has no questionnaire version evalsys knows (${version}). Download the "
                "blank form again."
            ),
            {"version": text[:20]},
        )
    row = request.dbsession.execute(
        select(Questionnaire.id, Questionnaire.version, Questionnaire.created_at).where(
            Questionnaire.intervention_id == link.intervention_id,
            Questionnaire.version == int(text),
        )
    ).first()
    if row is None:
        raise Refusal(
            400,
            _(
                "The form has no questionnaire version evalsys knows (${version}). Download the "
                "blank form again."
            ),
            {"version": text[:20]},
        )
    return questionnaires.version_of(request.dbsession, *row)


def _participant_code(link, fields: dict) -> str:
    if forms.code_mode(link) != "self_generated":
        return fields.get(forms.CODE, "")
    try:
        return self_generated_code(*(fields.get(name, "") for name in forms.CODE_ELEMENTS))
    except CodeError:
        raise Refusal(
            400,
            _(
                "Answer all four code questions: one letter, one letter, a day from 1 to 31 and a "
                "number."
            ),
        ) from None


def _submission_refusal(request, error: SubmissionError) -> Refusal:
    if isinstance(error, InvalidAnswers):
        problems = "; ".join(f"{e.field}: {e.text(request.locale_name)}" for e in error.errors[:10])
        return Refusal(
            400,
            ngettext(
                "${count} answer is not valid (${problems}). Edit the form and send it again.",
                "${count} answers are not valid (${problems}). Edit the form and send it again.",
                len(error.errors),
            ),
            {"problems": problems},
        )
    if isinstance(error, AlreadyAnswered):
        return Refusal(
            409,
            _("This participant already answered this round; the answers were not stored."),
        )
    if isinstance(error, WrongSite):
        return Refusal(409, _("This participant code is not right for this site. Check it."))
    if isinstance(error, CodeNotIssued):
        if error.reason == "mistyped":
            return Refusal(
                400,
                _(
                    "This participant code is mistyped: check it against the card (codes look "
                    "like ABCD-EFG). Nothing was stored."
                ),
            )
        return Refusal(
            400,
            _(
                "This participant code was not issued for this site. Check it against the "
                "card. Nothing was stored."
            ),
        )
    if isinstance(error, (SubmissionConflict, SubmissionIdReused)):
        return Refusal(
            409,
            _(
                "A form with this instance ID was stored before with other answers; these were "
                "not stored."
            ),
        )
    if error.details and error.details[0].get("field") == "participant_code":
        return Refusal(400, _("A code has letters and digits, like AB12CD."))
    return Refusal(400, _("The answers cannot be stored: ${reason}"), {"reason": error.message})
