"""Short fault tests under load (bench/fault_tests.py runs them at full length).

A worker killed with SIGKILL, and PostgreSQL stopped and started, while clients submit with 10%
retries: every acknowledged submission is stored exactly once; /healthz answers 503 while the
database is down and 200 again afterwards, without restarting the app.
"""

from __future__ import annotations

import os
import shutil

import pytest

from bench.faults import kill_a_worker, restart_the_database
from bench.private_postgres import pg_bin

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install wrk)"
    try:
        pg_bin("initdb")
    except RuntimeError as error:
        return str(error)
    return None


@pytest.fixture(autouse=True)
def tools():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"fault tests must run in CI: {reason}")
        pytest.skip(reason)


def test_killing_a_worker_loses_no_acknowledged_submission():
    result = kill_a_worker(seconds=6, connections=16)
    assert result.notes, "no worker was killed"
    assert result.acknowledged > 0
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.health_after == 200


def test_a_database_restart_gives_503_then_recovers_without_losing_anything():
    result = restart_the_database(seconds=10, down_for=2.5, connections=16)
    assert 503 in result.health_while_down
    assert result.health_after == 200
    assert result.acknowledged > 0
    assert (result.lost, result.duplicated) == (0, 0)
