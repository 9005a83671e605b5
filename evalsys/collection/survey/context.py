"""The survey link in the URL: an unknown link is 404, a closed one 410 (friendly pages)."""

from __future__ import annotations

import datetime as dt

from pyramid.authorization import Allow, Everyone
from pyramid.httpexceptions import HTTPGone, HTTPNotFound

from evalsys.collection.models import SurveyLink
from surveys.validation import has_control_characters


class LinkNotFound(HTTPNotFound):
    """No survey behind this link (mistyped, or never existed)."""


class LinkClosed(HTTPGone):
    """The link exists but does not take answers now."""

    def __init__(self, reason: str, wave=None):
        super().__init__()
        self.reason = reason  # "closed", "not_yet_open", "wave_closed"
        self.wave = wave


class SurveyLinkContext:
    __acl__ = [(Allow, Everyone, "public")]

    def __init__(self, request):
        token = request.matchdict["token"]
        if has_control_characters(token, multiline=False):
            raise LinkNotFound()  # no link has one, and PostgreSQL refuses NUL in a look-up
        link = request.dbsession.query(SurveyLink).filter_by(token=token).one_or_none()
        if link is None:
            raise LinkNotFound()
        self.link = link
        self.site = link.site
        self.wave = link.wave
        self.intervention = link.site.intervention

    def check_open(self, today: dt.date | None = None) -> None:
        today = today or dt.date.today()
        if not self.link.is_open:
            raise LinkClosed("closed", self.wave)
        if self.wave.opens_on and today < self.wave.opens_on:
            raise LinkClosed("not_yet_open", self.wave)
        if self.wave.closes_on and today > self.wave.closes_on:
            raise LinkClosed("wave_closed", self.wave)

    @property
    def code_mode(self) -> str:
        return (self.wave.settings or {}).get("participant_code", "assigned")
