"""The results page on the demo programme: the first view, the same view again, and each filter
(a script, not a test).

Usage::

    .venv/bin/python bench/bench_results_page.py [rounds]

Builds the demo (`evalsys demo`, about 150 participants) in a temporary SQLite database, signs
the demo evaluator in through the real forms (password and TOTP) and times GET
``/i/veerkracht-demo/results`` in one process (WebTest, no network): the first view computes the
evaluation, later views and filter changes find it kept for the data snapshot
(evalsys.results.snapshots). The floor in the same run is the intervention's overview page, a
signed-in page that runs one small query. After a new response the next view computes again.
Prints milliseconds (median of ``rounds``) and ratios to the floor; writes
bench/results/results_page.json.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, print_table, write_results  # noqa: E402

SLUG = "veerkracht-demo"


def app_and_session(folder: Path):
    import pyotp
    import webtest
    from pyramid.paster import get_app, get_appsettings
    from sqlalchemy.orm import Session

    from evalsys.accounts.models import User
    from evalsys.cli import main
    from evalsys.db import get_engine

    text = (ROOT / "development.ini").read_text()
    text = text.replace("%(here)s/var/evalsys.sqlite", str(folder / "demo.sqlite"))
    text = text.replace("%(here)s/var/", f"{folder}/")
    ini = folder / "bench.ini"
    ini.write_text(text)
    assert main(["initdb", str(ini)]) == 0
    assert main(["demo", str(ini)]) == 0
    secret = pyotp.random_base32()
    engine = get_engine(dict(get_appsettings(str(ini))))
    with Session(engine) as session:
        session.query(User).filter_by(username="evaluator").one().totp_secret = secret
        session.commit()
    engine.dispose()
    testapp = webtest.TestApp(get_app(str(ini)))
    page = testapp.get("/login")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    form = {"username": "evaluator", "password": "demo-evaluator-wachtwoord", "csrf_token": token}
    testapp.post("/login", form, status=302)
    page = testapp.get("/login/code")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    testapp.post("/login/code", {"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    return testapp, ini


def timed(testapp, url: str) -> float:
    started = time.perf_counter()
    testapp.get(url, status=200)
    return (time.perf_counter() - started) * 1000


def main(rounds: int = 10) -> None:
    from evalsys.results import snapshots

    with tempfile.TemporaryDirectory() as folder:
        testapp, _ini = app_and_session(Path(folder))
        results = f"/i/{SLUG}/results"
        page = testapp.get(results)
        form = page.html.find("form", action=lambda a: a and a.endswith(results))
        chosen = {s["name"]: s.find_all("option")[0]["value"] for s in form.select("select")}
        filters = []
        for select in form.select("select"):
            for option in select.find_all("option")[1:]:
                query = {**chosen, select["name"]: option["value"]}
                filters.append(results + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        snapshots.forget_all()
        first = timed(testapp, results)
        floor = statistics.median(timed(testapp, f"/i/{SLUG}") for _ in range(rounds))
        again = statistics.median(timed(testapp, results) for _ in range(rounds))
        per_filter = [timed(testapp, f) for f in filters]  # each filter's first view
        cold = []
        for _ in range(3):
            snapshots.forget_all()
            cold.append(timed(testapp, results))
    rows = [
        {"view": "overview page (floor)", "ms": round(floor, 1), "x floor": 1.0},
        {"view": "results, first view", "ms": round(first, 1), "x floor": round(first / floor, 1)},
        {"view": "results, again", "ms": round(again, 1), "x floor": round(again / floor, 1)},
    ]
    if per_filter:
        worst = max(per_filter)
        rows.append(
            {
                "view": f"results, first view of each of {len(filters)} filters (worst)",
                "ms": round(worst, 1),
                "x floor": round(worst / floor, 1),
            }
        )
    rows.append(
        {
            "view": "results, nothing kept (median of 3)",
            "ms": round(statistics.median(cold), 1),
            "x floor": round(statistics.median(cold) / floor, 1),
        }
    )
    print_table(rows, ["view", "ms", "x floor"])
    write_results("results_page", {"machine": machine(), "rounds": rounds, "rows": rows})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
