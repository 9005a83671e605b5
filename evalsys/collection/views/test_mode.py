"""Staff trying a survey link: a preview that stores nothing, and test responses that are kept
apart from every result and can all be deleted (evalsys.privacy.test_responses)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config, view_defaults

from evalsys.collection.models import TEST_CODE_PREFIX
from evalsys.collection.submission_errors import WrongSite
from evalsys.collection.submissions import Submission, assess, submit
from evalsys.collection.survey.context import SurveyLinkContext
from evalsys.collection.survey.state import SurveyState
from evalsys.collection.survey.views import SurveyViews
from evalsys.collection.views.sites import site_link
from evalsys.programme.contexts import SiteContext
from surveys.validation import has_control_characters

CODE_LENGTH = 64  # participants.code


class LinkInSite:
    """A survey link of the site in the URL, as the participant survey reads its context."""

    def __init__(self, context: SiteContext, request):
        if has_control_characters(request.matchdict["token"], multiline=False):
            raise HTTPNotFound()  # no token has one, and PostgreSQL refuses NUL in a look-up
        self.link = site_link(context, request)  # 404 when the site has no such link
        self.site, self.intervention = context.site, context.intervention
        self.wave = self.link.wave

    def check_open(self) -> None:
        """Staff may try a link before its round opens and after it closed."""

    code_mode = SurveyLinkContext.code_mode


class _Trying(SurveyViews):
    """The participant survey, page by page and in each language, for staff of the site."""

    def __init__(self, context, request):
        super().__init__(LinkInSite(context, request), request)

    def survey_url(self, query=None) -> str:
        context = self.context
        return self.request.route_url(
            f"site.link_{self.preview}",
            slug=context.intervention.slug,
            site=context.site.slug,
            token=context.link.token,
            _query=query or {},
        )

    def admit(self) -> None:
        """No rate limit: only signed-in staff get here, and a participant's limit stays whole."""

    def finished(self, state: SurveyState):
        context = self.context
        return self.render(
            "preview_done",
            state,
            links_url=self.request.route_url(
                "site.links", slug=context.intervention.slug, site=context.site.slug
            ),
            responses_url=self.request.route_url(
                "site.responses", slug=context.intervention.slug, site=context.site.slug
            ),
        )


@view_defaults(route_name="site.link_preview", permission="collect", context=SiteContext)
class PreviewViews(_Trying):
    """Every step as a participant sees it; the last one checks the answers and stores nothing."""

    preview = "preview"

    @view_config(request_method="GET")
    def welcome(self):
        return super().welcome()

    @view_config(request_method="POST")  # staff forms: a post without its token is refused
    def step(self):
        return super().step()

    def already_answered(self, code: str) -> bool:
        return False  # nobody's answers are looked up, and none are stored

    def store(self, submission: Submission) -> None:
        assess(
            self.questionnaire,
            submission.answers,
            submission.duration_seconds,
            mode=submission.mode,
            language=submission.language,
        )


@view_defaults(route_name="site.link_test", permission="collect", context=SiteContext)
class TestResponseViews(_Trying):
    """The survey whose answers are stored as a test response, for the participant TEST:code."""

    preview = "test"

    @view_config(request_method="GET")
    def welcome(self):
        return super().welcome()

    @view_config(request_method="POST")  # staff forms: a post without its token is refused
    def step(self):
        return super().step()

    def already_answered(self, code: str) -> bool:
        return super().already_answered(TEST_CODE_PREFIX + code)

    def store(self, submission: Submission) -> None:
        if len(TEST_CODE_PREFIX + submission.participant_code) > CODE_LENGTH:
            raise WrongSite("too long for a test code")  # asks for the code again
        submission.test = True
        submission.submitted_by = self.request.identity
        submit(self.request.dbsession, submission)
