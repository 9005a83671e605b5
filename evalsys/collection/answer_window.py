"""Whether answers may be stored: the link open, and its wave open on the day they were given.

A client that collects offline (ODK Collect, an app of the JSON API) says when the participant
answered (``submitted_at``); the wave's dates are then checked against that moment, so a form
filled in while the wave was open is accepted after it closed, within a grace period. The bounds
keep a wrong device clock out: not more than a few minutes in the future, not long before the
wave opened. Settings (all optional):

- ``evalsys.submitted_at.clock_skew_seconds`` (300): how far in the future a device clock may be;
- ``evalsys.submitted_at.before_opening_hours`` (24): how long before the wave opened it may say;
- ``evalsys.submitted_at.grace_days`` (14): days after the wave closed that answers given while
  it was open are still accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFAULT_CLOCK_SKEW_SECONDS = 300
DEFAULT_BEFORE_OPENING_HOURS = 24
DEFAULT_GRACE_DAYS = 14

# RFC 3339 section 5.6: a full date, "T", a time with optional fraction, and an offset.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


@dataclass(frozen=True)
class Bounds:
    clock_skew: dt.timedelta
    before_opening: dt.timedelta
    grace: dt.timedelta


def bounds(settings) -> Bounds:
    """The bounds the settings give (read per request: a dict look-up, no statement)."""
    return Bounds(
        dt.timedelta(
            seconds=int(
                settings.get("evalsys.submitted_at.clock_skew_seconds", DEFAULT_CLOCK_SKEW_SECONDS)
            )
        ),
        dt.timedelta(
            hours=int(
                settings.get(
                    "evalsys.submitted_at.before_opening_hours", DEFAULT_BEFORE_OPENING_HOURS
                )
            )
        ),
        dt.timedelta(days=int(settings.get("evalsys.submitted_at.grace_days", DEFAULT_GRACE_DAYS))),
    )


class WindowError(Exception):
    """The answers cannot be stored now; ``field`` is what is wrong, the message says why.

    ``reason`` and ``dates`` let a caller say it in the user's language (evalsys.odk).
    """

    def __init__(self, message: str, field: str, code: str, reason: str, **dates: dt.date):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code
        self.reason, self.dates = reason, dates


class LinkClosed(WindowError):
    """The link is closed, or its wave was not open when the answers were given or is long shut.

    ``reason``: ``closed``, ``not_open_yet``, ``wave_closed`` or ``grace_over``.
    """

    def __init__(self, message: str, reason: str, **dates: dt.date):
        super().__init__(message, "link", "closed", reason, **dates)


class AnsweredAtOutOfBounds(WindowError):
    """``submitted_at`` cannot be right. ``reason``: ``future``, ``before_opening``, ``format``."""

    def __init__(self, message: str, code: str = "out_of_range", reason: str = "", **dates):
        super().__init__(message, "submitted_at", code, reason or code, **dates)


def parse_submitted_at(text: str) -> dt.datetime:
    """An RFC 3339 timestamp with a zone offset, as an aware datetime; AnsweredAtOutOfBounds
    (code ``invalid_format``) for anything else, such as a time without an offset."""
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise AnsweredAtOutOfBounds(
            "submitted_at must be an RFC 3339 time with a zone offset, "
            "such as 2027-01-12T10:15:00+01:00",
            "invalid_format",
        )
    try:
        # Python reads at most six fraction digits; RFC 3339 allows more.
        head, _, rest = text.partition(".")
        if rest:
            digits = re.match(r"\d+", rest).group(0)
            text = f"{head}.{digits[:6]:0<6}{rest[len(digits) :]}"
        return dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise AnsweredAtOutOfBounds(
            "submitted_at is not a real date and time (check the day and the hour)",
            "invalid_format",
        ) from None


def check_window(
    *,
    is_open: bool,
    wave_label: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    submitted_at: dt.datetime | None,
    limits: Bounds,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> None:
    """Raise LinkClosed or AnsweredAtOutOfBounds unless answers given at ``submitted_at``
    (None: now) may be stored now. The same rules as the web survey when it is None."""
    now = now or dt.datetime.now(dt.UTC)
    today = today or dt.date.today()
    if submitted_at is not None and submitted_at > now + limits.clock_skew:
        raise AnsweredAtOutOfBounds(
            "submitted_at is in the future; check the device's clock and date", reason="future"
        )
    if not is_open:
        raise LinkClosed("the survey link is closed", "closed")
    if opens_on and today < opens_on:
        raise LinkClosed(
            f"wave {wave_label} opens on {opens_on.isoformat()}", "not_open_yet", date=opens_on
        )
    if submitted_at is None:
        answered_on = today
    else:
        # The day on the device's calendar: the wave's dates are the days people live by.
        answered_on = submitted_at.date()
        if opens_on:
            opening = dt.datetime.combine(opens_on, dt.time.min, tzinfo=submitted_at.tzinfo)
            if submitted_at < opening - limits.before_opening:
                raise AnsweredAtOutOfBounds(
                    f"submitted_at is before wave {wave_label} opened on "
                    f"{opens_on.isoformat()}; check the device's clock and date",
                    reason="before_opening",
                    date=opens_on,
                )
    if closes_on and answered_on > closes_on:
        raise LinkClosed(
            f"wave {wave_label} closed on {closes_on.isoformat()}", "wave_closed", date=closes_on
        )
    if closes_on and submitted_at is not None and today > closes_on + limits.grace:
        last = (closes_on + limits.grace).isoformat()
        raise LinkClosed(
            f"wave {wave_label} closed on {closes_on.isoformat()}; answers given while it "
            f"was open were accepted until {last}",
            "grace_over",
            date=closes_on,
            last=closes_on + limits.grace,
        )
