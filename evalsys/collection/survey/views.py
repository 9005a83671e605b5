"""The participant survey: welcome, consent, participant code, one instrument per page (the
thank-you page is survey/thanks.py)."""

from __future__ import annotations

from babel import Locale
from pyramid.csrf import check_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from evalsys.collection import issued_codes, ratelimit
from evalsys.collection.models import Participant, Response
from evalsys.collection.participant_codes import CodeError, clean_code, self_generated_code
from evalsys.collection.submission_errors import (
    AlreadyAnswered,
    CodeNotIssued,
    InvalidAnswers,
    SubmissionConflict,
    SubmissionIdReused,
    WrongSite,
)
from evalsys.collection.submissions import Submission, submit
from evalsys.collection.survey.applicable import next_page as next_applicable
from evalsys.collection.survey.applicable import (
    page_parts,
    pages_that_apply,
    pages_to_count,
    previous_page,
    without_hidden,
)
from evalsys.collection.survey.context import LinkClosed, LinkNotFound
from evalsys.collection.survey.form import read_answers
from evalsys.collection.survey.state import SurveyState
from evalsys.collection.survey.text import in_language, survey_languages
from evalsys.collection.survey.thanks import follow_up_wave
from evalsys.mail import contacts
from evalsys.programme import questionnaires

CONSENT_AGE = 16


def language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, TypeError):
        return code


@view_defaults(
    route_name="survey.fill", permission="public", context="..survey.context.SurveyLinkContext"
)
class SurveyViews:
    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.questionnaire = questionnaires.load(context.intervention.questionnaire)
        self.blocks = self.questionnaire.blocks
        self.languages = survey_languages(self.questionnaire)

    # -- helpers -------------------------------------------------------------------------------

    preview = None  # staff trying the survey (evalsys.collection.views.test_mode)

    def survey_url(self, query=None) -> str:
        """Where the survey's forms and language links go."""
        return self.request.route_url(
            "survey.fill", token=self.context.link.token, _query=query or {}
        )

    def admit(self) -> None:
        """Refuse a step when the link takes no answers now, or when too many come at once."""
        self.context.check_open()
        ratelimit.check(self.request, "survey", self.context.link.token)

    def language(self) -> str:
        # _lang: a language button of the page's form (macros.language_switch); lang: the
        # language the survey was in so far (a hidden field, or the welcome page's link)
        for wanted in (self.request.POST.get("_lang"), self.request.params.get("lang")):
            if wanted in self.languages:
                return wanted
        locale = self.request.locale_name
        return locale if locale in self.languages else self.languages[0]

    def render(self, template: str, state: SurveyState, **values):
        values.update(
            context=self.context,
            state=state,
            lang=state.language,
            text=lambda texts: in_language(texts, state.language),
            languages=[(code, language_name(code)) for code in self.languages],
            minutes=self.questionnaire.minutes,
            survey_url=self.survey_url,
            preview=self.preview,
        )
        from pyramid.renderers import render_to_response

        return render_to_response(
            f"survey/{template}.jinja2",
            values,
            request=self.request,
            response=self.request.response,
        )

    def page(self, state: SurveyState, errors=None, notice: str | None = None):
        """The page of ``state.page``: the questions that apply given the other pages'
        answers, and "part n of N" over the pages that apply or may still apply."""
        block = self.blocks[state.page]
        counted = pages_to_count(self.questionnaire, state.answers, state.page)
        parts = page_parts(
            self.questionnaire, block, state.answers, state.language, self.request.translate
        )
        return self.render(
            "page",
            state,
            block=block,
            parts=parts,
            errors=errors or [],
            notice=notice,
            hidden=state.hidden(skip_block=block),
            page_number=counted.index(state.page) + 1,
            page_count=len(counted),
            # "Send my answers" only where no later page can still apply.
            last_page=next_applicable(counted, state.page) is None,
            conditional=_has_live_parts(parts),
        )

    # -- the steps -------------------------------------------------------------------------------

    @view_config(request_method="GET")
    def welcome(self):
        self.context.check_open()
        state = SurveyState(language=self.language(), code=self.code_in_link())
        return self.render("welcome", state, intervention=self.context.intervention)

    def code_in_link(self) -> str:
        """A personal link (a follow-up invitation, evalsys.followup.invitations) carries the
        participant's handed-out code: the code step shows it filled in, to confirm."""
        if self.context.code_mode == "self_generated":
            return ""
        try:
            return clean_code(self.request.params.get("code", ""))
        except CodeError:
            return ""

    @view_config(request_method="POST", require_csrf=False)
    def step(self):
        self.admit()
        state = SurveyState.from_post(self.request.POST, self.blocks, self.language())
        step = self.request.POST.get("_step", "")
        if not check_csrf_token(self.request, raises=False):
            # Usually a session that expired while the page was open: nothing is lost, since
            # the answers travel in the form. Show the same step again with a fresh token.
            notice = self.request.translate(
                "Your session had expired. Your answers are still here: please press the button "
                "again."
            )
            return self.same_step(step, state, notice)
        if "_lang" in self.request.POST:  # another language: this page again, as filled in
            return self.same_step(step, state)
        handler = {
            "welcome": self.after_welcome,
            "consent": self.after_consent,
            "code": self.after_code,
            "code_confirm": self.after_code_confirm,
            "page": self.after_page,
        }.get(step)
        return handler(state) if handler else self.welcome()

    def same_step(self, step: str, state: SurveyState, notice: str | None = None):
        """The page of ``step`` again with what was filled in on it, unchecked (no errors):
        after an expired session (``notice``), or in the language of a ``_lang`` button."""
        post = self.request.POST
        if step == "page" and 0 <= state.page < len(self.blocks):
            block = self.blocks[state.page]
            for item in block.items:
                state.answers.pop(item.id, None)
            state.answers.update(read_answers(post, [block]))
            return self.page(state, notice=notice)
        if step == "code_confirm" and state.code and notice is None:
            return self.render("code_confirm", state)
        if step in ("code", "code_confirm"):
            values = post if step == "code" else {"code": state.code}
            return self.render("code", state, errors={}, values=values, notice=notice)
        if step == "consent":
            return self.render("consent", state, errors={}, values=post, notice=notice)
        return self.render("welcome", state, intervention=self.context.intervention, notice=notice)

    def after_welcome(self, state: SurveyState):
        code = state.code
        state = SurveyState.start(state.language)
        state.code = code  # from a personal link: shown on the code step, to confirm
        return self.render("consent", state, errors={})

    def after_consent(self, state: SurveyState):
        post = self.request.POST
        errors = {}
        if post.get("agree") != "yes":
            errors["agree"] = self.request.translate(
                "Tick the box if you want to take part. If you do not want to, you can close "
                "this page."
            )
        age = post.get("under16")
        if age not in ("yes", "no"):
            errors["under16"] = self.request.translate("Choose yes or no.")
        elif age == "yes" and post.get("parent_agrees") != "yes":
            errors["parent_agrees"] = self.request.translate(
                "If you are younger than 16, a parent or carer must agree. Tick the box when "
                "they do."
            )
        if errors:
            self.request.response.status_int = 400
            return self.render("consent", state, errors=errors, values=post)
        state.consent_by = "parent" if age == "yes" else "participant"
        return self.render("code", state, errors={})

    def after_code(self, state: SurveyState):
        post = self.request.POST
        mode = self.context.code_mode
        if mode != "self_generated" and not post.get("code", "").strip():
            return self.code_again(state, post, self.request.translate("Fill in your code."))
        try:
            if mode == "self_generated":
                code = self_generated_code(
                    post.get("mother_initial", ""),
                    post.get("father_initial", ""),
                    post.get("birth_day", ""),
                    post.get("older_siblings", ""),
                )
            elif mode == issued_codes.ISSUED:
                code = issued_codes.checked(
                    self.request.dbsession,
                    self.context.intervention.id,
                    self.context.site.id,
                    post.get("code", ""),
                )
            else:
                code = clean_code(post.get("code", ""))
        except issued_codes.NotAnIssuedCode as error:
            return self.code_again(state, post, self.not_issued_error(error.reason))
        except CodeError:
            return self.code_again(state, post, self.code_error())
        state.code = code
        if mode == issued_codes.ISSUED:
            # A card read wrongly can still be a code issued to someone else: ask once more.
            return self.render("code_confirm", state)
        return self.begin(state)

    def after_code_confirm(self, state: SurveyState):
        if not state.code:
            return self.render("code", state, errors={})
        if self.request.POST.get("confirm") != "yes":
            return self.render("code", state, values={"code": state.code}, errors={})
        return self.begin(state)

    def begin(self, state: SurveyState):
        if self.already_answered(state.code):
            return self.render("already", state)
        pages = pages_that_apply(self.questionnaire, state.answers)
        if not pages:
            return self.finish(state)
        state.page = pages[0]
        return self.page(state)

    def code_again(self, state: SurveyState, values, message: str):
        self.request.response.status_int = 400
        return self.render("code", state, values=values, errors={"code": message})

    def not_issued_error(self, reason: str) -> str:
        if reason == "mistyped":
            return self.request.translate(
                "This code is not right: a letter or digit is mistyped or missing. Check the "
                "code on your card; it looks like ABCD-EFG."
            )
        return self.request.translate(
            "This code is not on the list of your group. Check the code on your card, or ask "
            "your coach."
        )

    def code_error(self) -> str:
        if self.context.code_mode == "self_generated":
            return self.request.translate(
                "Answer all four questions: one letter, one letter, a day from 1 to 31 and "
                "a number."
            )
        return self.request.translate(
            "This code is not right. Check it: a code has letters and digits, like AB12CD."
        )

    def already_answered(self, code: str) -> bool:
        dbsession = self.request.dbsession
        participant = (
            dbsession.query(Participant)
            .filter_by(intervention_id=self.context.intervention.id, code=code)
            .one_or_none()
        )
        if participant is None:
            return False
        return (
            dbsession.query(Response.id)
            .filter_by(
                participant_id=participant.id, wave_id=self.context.wave.id, superseded_at=None
            )
            .first()
            is not None
        )

    def after_page(self, state: SurveyState):
        if not 0 <= state.page < len(self.blocks) or not (
            state.code and state.submission_id and state.consent_by
        ):
            return self.welcome()
        block = self.blocks[state.page]
        for item in block.items:
            state.answers.pop(item.id, None)
        state.answers.update(read_answers(self.request.POST, [block]))
        # Answers to questions that no longer apply go (applicable.without_hidden says why).
        state.answers, _dropped = without_hidden(self.questionnaire, state.answers)
        pages = pages_that_apply(self.questionnaire, state.answers)
        if "_back" in self.request.POST:
            before = previous_page(pages, state.page)
            if before is None:
                return self.render("code", state, errors={})
            state.page = before
            return self.page(state)
        # Checked with the whole questionnaire's answers: a condition may name earlier pages.
        errors = [e for e in self.questionnaire.validate(state.answers) if block.has_item(e.field)]
        if errors:
            self.request.response.status_int = 400
            return self.page(state, errors)
        after = next_applicable(pages, state.page)
        if after is not None:
            state.page = after
            return self.page(state)
        return self.finish(state)

    def finish(self, state: SurveyState):
        context = self.context
        try:
            self.store(
                Submission(
                    submission_id=state.submission_id,
                    intervention=context.intervention,
                    site=context.site,
                    wave=context.wave,
                    participant_code=state.code,
                    answers=state.answers,
                    language=state.language,
                    mode="web",
                    group=context.link.group_name,
                    duration_seconds=state.duration_seconds(),
                    consent_by=state.consent_by or None,
                    code_elements=context.code_mode == "self_generated",
                    issued_only=context.code_mode == issued_codes.ISSUED,
                ),
            )
        except (AlreadyAnswered, SubmissionConflict, SubmissionIdReused):
            # The last two: this form was sent before (back, changed, sent again); the first
            # answers are kept, and a participant cannot change them here.
            return self.render("already", state)
        except WrongSite:
            # A code of another site's participant: ask for the code again, saying no more
            # (that the code exists elsewhere is not the participant's to learn).
            self.request.response.status_int = 400
            return self.render("code", state, values={}, errors={"code": self.code_error()})
        except CodeNotIssued as error:
            # Checked on the code step; here only when the hidden field was altered.
            return self.code_again(state, {}, self.not_issued_error(error.reason))
        except InvalidAnswers as invalid:
            # Earlier pages were checked; this only happens when hidden fields were altered.
            first = next(
                (
                    i
                    for i, b in enumerate(self.blocks)
                    if any(b.has_item(e.field) for e in invalid.errors)
                ),
                0,
            )
            state.page = first
            self.request.response.status_int = 400
            return self.page(state, invalid.errors)
        return self.finished(state)

    def store(self, submission: Submission) -> None:
        submit(self.request.dbsession, submission)

    def finished(self, state: SurveyState):
        context = self.context
        query = {"lang": state.language}
        if follow_up_wave(context) is not None:  # may leave an address for the next round
            settings = self.request.registry.settings
            query.update(r=state.submission_id, k=contacts.signature(settings, state.submission_id))
        return HTTPSeeOther(
            location=self.request.route_url("survey.thanks", token=context.link.token, _query=query)
        )


def _has_live_parts(parts) -> bool:
    """Whether a part of the page waits for an answer on it (the page then loads its script)."""
    return any(p.relevant is not None or _has_live_parts(p.children) for p in parts)


@view_config(context=LinkNotFound, renderer="survey/unavailable.jinja2")
def link_not_found(exc, request):
    request.response.status_int = 404
    return {"reason": "unknown"}


@view_config(context=LinkClosed, renderer="survey/unavailable.jinja2")
def link_closed(exc, request):
    request.response.status_int = 410
    return {"reason": exc.reason, "wave": exc.wave}
