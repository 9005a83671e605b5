"""Personal round windows and the due status, worked out by hand for each case."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from evalsys.followup.schedule import Rules, Window, due_row, rounds, status, window

D = dt.date
RULES = Rules(soon_days=14, overdue_days=14)


def wave(id, label, opens_on=None, closes_on=None, after=None, until=None):
    return SimpleNamespace(
        id=id,
        label=label,
        position=id,
        opens_on=opens_on,
        closes_on=closes_on,
        opens_after_days=after,
        closes_after_days=until,
    )


# pre on fixed dates; post 8-12 weeks after the participant's pre; follow-up 26-30 weeks after post
PRE = wave(0, "T0", D(2026, 1, 1), D(2026, 12, 31))
POST = wave(1, "T1", after=56, until=84)
FOLLOW = wave(2, "T2", after=182, until=210)
WAVES = [PRE, POST, FOLLOW]
PERSON = SimpleNamespace(id=1, code="AB12", group_name="intervention", site_id=7)


def test_a_personal_window_counts_from_the_previous_round_and_stays_within_fixed_dates():
    assert window(POST, D(2026, 3, 2)) == Window(D(2026, 4, 27), D(2026, 5, 25))
    fixed = wave(1, "T1", D(2026, 5, 1), D(2026, 5, 10), after=56, until=84)
    assert window(fixed, D(2026, 3, 2)) == Window(D(2026, 5, 1), D(2026, 5, 10))
    assert window(POST, None) == Window(None, None)  # nothing to count from


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 4, 12), "later"),  # opens in 15 days
        (D(2026, 4, 13), "due_soon"),  # opens in 14 days
        (D(2026, 4, 27), "open"),  # opens today
        (D(2026, 5, 10), "open"),  # open 13 days
        (D(2026, 5, 11), "overdue"),  # open 14 days
        (D(2026, 5, 25), "overdue"),  # the last day
        (D(2026, 5, 26), "missed"),  # closed
    ],
)
def test_the_status_on_each_day_of_a_window(today, expected):
    assert status(Window(D(2026, 4, 27), D(2026, 5, 25)), today, RULES) == expected


def test_done_beats_every_date_and_no_dates_means_open_but_never_overdue():
    assert status(Window(D(2026, 4, 27), D(2026, 5, 25)), D(2027, 1, 1), RULES, done=True) == "done"
    assert status(Window(None, None), D(2030, 1, 1), RULES) == "open"


def test_the_next_round_after_the_pre_test():
    row = due_row(PERSON, WAVES, {0: D(2026, 3, 2)}, D(2026, 5, 12), RULES)
    assert (row.last_wave, row.last_answered_on) == ("T0", D(2026, 3, 2))
    assert (row.wave, row.opens, row.closes, row.status) == (
        "T1",
        D(2026, 4, 27),
        D(2026, 5, 25),
        "overdue",
    )
    assert row.missed == ()


def test_a_missed_post_test_schedules_the_follow_up_from_when_the_post_test_opened():
    row = due_row(PERSON, WAVES, {0: D(2026, 3, 2)}, D(2026, 10, 30), RULES)
    # T1 opened 27-04 and closed 25-05 unanswered; T2: 27-04 + 182 days = 26-10
    assert (row.wave, row.opens, row.status, row.missed) == ("T2", D(2026, 10, 26), "open", ("T1",))


def test_every_round_closed_unanswered_is_missed_and_all_answered_is_done():
    late = due_row(PERSON, WAVES, {0: D(2026, 3, 2)}, D(2027, 6, 1), RULES)
    assert (late.wave, late.status, late.missed) == ("T2", "missed", ("T1",))
    done = due_row(
        PERSON, WAVES, {0: D(2026, 3, 2), 1: D(2026, 5, 1), 2: D(2026, 11, 1)}, D(2027, 1, 1), RULES
    )
    assert (done.wave, done.status) == (None, "done")


def test_the_follow_up_counts_from_the_day_the_post_test_was_answered():
    states = rounds(WAVES, {0: D(2026, 3, 2), 1: D(2026, 5, 20)}, D(2026, 6, 1), RULES)
    assert [s.status for s in states] == ["done", "done", "later"]
    assert states[2].window == Window(D(2026, 11, 18), D(2026, 12, 16))  # 20-05 + 182 / + 210
