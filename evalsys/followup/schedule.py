"""When each participant's next round is due: personal windows and the due status.

A round (wave) opens for everyone on fixed dates (``opens_on`` / ``closes_on``), or for each
participant some days after *their* previous round (``opens_after_days`` / ``closes_after_days``,
counted from the day they answered it; with both, the personal window lies within the fixed
one). A participant who missed the previous round is scheduled from the day that round opened
for them, so a missed post-test does not stall the follow-up.

The status of a participant's round on a given day:

- ``done``: answered;
- ``later``: opens more than ``soon_days`` from now;
- ``due_soon``: opens within ``soon_days``;
- ``open``: open now, for less than ``overdue_days``;
- ``overdue``: open for ``overdue_days`` or more and not answered: time to remind;
- ``missed``: closed without an answer.

Pure functions over dates and rounds: no database, no web.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SOON_DAYS = 14
OVERDUE_DAYS = 14
STATUSES = ("overdue", "open", "due_soon", "later", "missed", "done")
LISTED = ("overdue", "open", "due_soon", "missed")  # a due list's rows; "later" on request


@dataclass(frozen=True)
class Window:
    opens: dt.date | None
    closes: dt.date | None


@dataclass(frozen=True)
class Rules:
    """How near is "soon" and how long open is "overdue" (``evalsys.followup.*`` settings)."""

    soon_days: int = SOON_DAYS
    overdue_days: int = OVERDUE_DAYS

    @classmethod
    def from_settings(cls, settings: dict) -> Rules:
        return cls(
            soon_days=int(settings.get("evalsys.followup.soon_days", SOON_DAYS)),
            overdue_days=int(settings.get("evalsys.followup.overdue_days", OVERDUE_DAYS)),
        )


def window(wave, anchor: dt.date | None) -> Window:
    """The round's window for a participant whose previous round counts from ``anchor``."""
    opens, closes = wave.opens_on, wave.closes_on
    if anchor is not None and wave.opens_after_days is not None:
        personal = anchor + dt.timedelta(days=wave.opens_after_days)
        opens = personal if opens is None else max(opens, personal)
    if anchor is not None and wave.closes_after_days is not None:
        personal = anchor + dt.timedelta(days=wave.closes_after_days)
        closes = personal if closes is None else min(closes, personal)
    return Window(opens, closes)


def status(window: Window, today: dt.date, rules: Rules, *, done: bool = False) -> str:
    if done:
        return "done"
    if window.closes is not None and today > window.closes:
        return "missed"
    if window.opens is not None and today < window.opens:
        return "due_soon" if (window.opens - today).days <= rules.soon_days else "later"
    if window.opens is not None and (today - window.opens).days >= rules.overdue_days:
        return "overdue"
    return "open"


@dataclass(frozen=True)
class RoundState:
    wave: object
    window: Window
    status: str
    answered_on: dt.date | None


@dataclass(frozen=True)
class DueRow:
    """One participant's place in the schedule: their last answered round and the next one."""

    participant_id: int
    code: str
    group: str
    site_id: int
    last_wave: str | None
    last_answered_on: dt.date | None
    wave: str | None  # the next round (None: every round answered)
    opens: dt.date | None
    closes: dt.date | None
    status: str  # of the next round; "done" when every round is answered
    missed: tuple[str, ...] = ()  # earlier rounds closed without an answer
    rounds: tuple[RoundState, ...] = field(default=(), repr=False, compare=False)


def rounds(
    waves: Sequence, answered: dict[int, dt.date], today: dt.date, rules: Rules
) -> list[RoundState]:
    """Every round of one participant in order: its personal window and its status.

    ``answered`` maps wave id to the day the participant answered it.
    """
    states, anchor = [], None
    for wave in waves:
        win = window(wave, anchor)
        day = answered.get(wave.id)
        states.append(RoundState(wave, win, status(win, today, rules, done=day is not None), day))
        anchor = day or win.opens
    return states


def due_row(participant, waves: Sequence, answered: dict[int, dt.date], today, rules) -> DueRow:
    """The participant's next round after the last one they answered, and its status."""
    states = rounds(waves, answered, today, rules)
    answered_states = [s for s in states if s.status == "done"]
    last = answered_states[-1] if answered_states else None
    after = states[states.index(last) + 1 :] if last is not None else states
    missed = tuple(s.wave.label for s in after if s.status == "missed")
    upcoming = next((s for s in after if s.status != "missed"), None)
    if upcoming is None and after:  # every later round closed: the last one is what was missed
        upcoming = after[-1]
    return DueRow(
        participant_id=participant.id,
        code=participant.code,
        group=participant.group_name,
        site_id=participant.site_id,
        last_wave=last.wave.label if last else None,
        last_answered_on=last.answered_on if last else None,
        wave=upcoming.wave.label if upcoming else None,
        opens=upcoming.window.opens if upcoming else None,
        closes=upcoming.window.closes if upcoming else None,
        status=upcoming.status if upcoming else "done",
        missed=missed if upcoming is None or upcoming.status != "missed" else missed[:-1],
        rounds=tuple(states),
    )


def counts(rows: Iterable[DueRow]) -> dict[str, int]:
    """How many participants have their next round in each status."""
    found = dict.fromkeys(STATUSES, 0)
    for row in rows:
        found[row.status] += 1
    return found
