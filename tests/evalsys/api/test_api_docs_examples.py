"""The examples of docs/api.md run as written against a live server with the demo.

Every fenced ``sh`` block is run by bash with the real curl (each curl with ``--fail-with-body``,
so any 4xx or 5xx fails the block) and every ``python`` block is executed, in the order of the
page. The page says what stands for the reader's own: ``$EVS``, ``$TOKEN`` (a ``submit`` token
where the block changes responses, webhooks or instruments, else a ``read`` token), the
response ids 4711 to 4713, the link Vb2lXc9aQm3T, webhook 7, report 12 and job 815. This test
puts the demo's own in their place, and nothing else.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import re
import shutil
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import pyotp
import pytest
import requests

from evalsys.collection.models import Participant, Response, SurveyLink
from evalsys.programme.models import Intervention, Site, Wave
from evalsys.results.models import ReportVersion

from ..api_client import make_token
from ..setup.instrument_forms import xlsform_bytes

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "api.md"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>\w*)[ \t]*$")
# a block that changes responses, webhooks or instruments takes the submit token
SUBMITS = re.compile(
    r'-X (POST|PUT|PATCH|DELETE) "\$EVS/api/v1/'
    r"(responses|interventions/[^/\"]+/webhooks|instruments/import)"
)
CURL = shutil.which("curl")


def examples() -> list[tuple[str, str, str]]:
    """(heading, language, code) of every fenced sh or python block, in the page's order."""
    found, heading, block, lang = [], "", None, ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line)
        if block is None and line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif fence and block is None:
            block, lang = [], fence["lang"]
        elif fence and block is not None:
            if lang in ("sh", "python"):
                found.append((heading, lang, textwrap.dedent("\n".join(block))))
            block = None
        elif block is not None:
            block.append(line)
    return found


@pytest.fixture(scope="module")
def demo(scratch_database_module, tmp_path_factory):
    """The demo served by waitress, its tokens, a logged-in cookie file, and what stands for
    the page's example numbers."""
    from waitress.server import create_server

    from evalsys import demo as demo_data
    from evalsys import main
    from evalsys.cli.bootstrap import database_session
    from evalsys.db import get_engine, schema
    from evalsys.settings import apply_environment

    # A database of this module's own: the examples enrol two-factor sign-in, store, correct
    # and void responses, which the browser tests' demo (the session's database) must not see.
    settings = {**scratch_database_module, "evalsys.webhooks.timeout_seconds": "1"}
    engine = get_engine(apply_environment(settings))
    schema.upgrade(engine, apply_environment(settings))
    with database_session(engine) as db:
        demo_data.seed(db, participants=150)
        facts = _facts(db)
    server = create_server(main({}, **settings), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}"
    folder = tmp_path_factory.mktemp("examples")
    _log_in(url, folder / "cookies.txt", facts["totp"])
    (folder / "buurt.xlsx").write_bytes(xlsform_bytes())
    facts["webhook"] = _webhook(url, facts["submit"])
    facts["job"] = _finished_job(url, facts["read"])
    yield {"url": url, "folder": folder, **facts}
    server.close()
    engine.dispose()


def _facts(db) -> dict:
    """Tokens of the demo evaluator, and the demo's rows the page's numbers stand for."""
    from evalsys.accounts.models import User
    from evalsys.demo import DEMO_SLUG

    iv = db.query(Intervention).filter_by(slug=DEMO_SLUG).one()
    evaluator = db.query(User).filter_by(username="evaluator").one()
    if evaluator.totp_secret is None:  # staff sign in with a second step (docs/accounts.md)
        evaluator.totp_secret = pyotp.random_base32()
    site = db.query(Site).filter_by(intervention_id=iv.id, slug="rotterdam-zuid").one()
    t0 = db.query(Wave).filter_by(intervention_id=iv.id, label="T0").one()
    link = (
        db.query(SurveyLink)
        .filter_by(site_id=site.id, wave_id=t0.id, group_name="intervention", is_open=True)
        .first()
    )
    responses = (
        db.query(Response.id)
        .join(Participant, Participant.id == Response.participant_id)
        .filter(Participant.site_id == site.id, Response.superseded_at.is_(None))
        .filter(Response.test.is_(False))
        .order_by(Response.id)
        .limit(3)
        .all()
    )
    report = db.query(ReportVersion.id).filter_by(intervention_id=iv.id).order_by(ReportVersion.id)
    return {
        "submit": make_token(db, evaluator, iv, permission="submit"),
        "read": make_token(db, evaluator, iv, permission="read"),
        "link": link.token,
        "responses": [r for (r,) in responses],
        "report": report.first()[0],
        "totp": evaluator.totp_secret,
    }


def _log_in(url: str, cookie_file: Path, totp_secret: str) -> None:
    """The demo evaluator's session, written as curl's cookie file (the page's cookies.txt)."""
    from evalsys.demo import DEMO_LOGINS

    password = next(d.password for d in DEMO_LOGINS if d.username == "evaluator")
    session = requests.Session()

    def post(path: str, fields: dict) -> requests.Response:
        page = session.get(f"{url}{path}", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        fields = {**fields, "csrf_token": token}
        return session.post(f"{url}{path}", data=fields, allow_redirects=False, timeout=30)

    answer = post("/login", {"username": "evaluator", "password": password})
    assert answer.status_code == 302, answer.text[:500]
    if answer.headers["Location"].endswith("/login/code"):
        answer = post("/login/code", {"code": pyotp.TOTP(totp_secret).now()})
        assert answer.status_code == 302, answer.text[:500]
    assert "/login" not in answer.headers["Location"], answer.headers["Location"]
    jar = http.cookiejar.MozillaCookieJar(str(cookie_file))
    for cookie in session.cookies:
        cookie.expires = cookie.expires or int(time.time()) + 3600  # curl skips a blank one
        jar.set_cookie(cookie)
    jar.save(ignore_discard=True, ignore_expires=True)


def _webhook(url: str, token: str) -> int:
    answer = requests.post(
        f"{url}/api/v1/interventions/veerkracht-demo/webhooks",
        json={"url": "https://example.org/hook", "events": ["report.published"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _finished_job(url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.post(
        f"{url}/api/v1/interventions/veerkracht-demo/jobs",
        json={"kind": "evaluate"},  # its result is no file the page downloads as well
        headers=headers,
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()["id"]
    for _ in range(120):
        state = requests.get(f"{url}/api/v1/jobs/{job}", headers=headers, timeout=30).json()
        if state["finished"]:
            assert state["state"] == "succeeded" or state["error"] is None, state
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish")


def filled_in(code: str, demo: dict) -> str:
    """The page's stand-ins replaced by the demo's own (the list in docs/api.md)."""
    numbers = dict(zip(("4711", "4712", "4713"), map(str, demo["responses"]), strict=True))
    numbers |= {"Vb2lXc9aQm3T": demo["link"], "815": str(demo["job"])}
    code = re.sub(r"/webhooks/7\b", f"/webhooks/{demo['webhook']}", code)
    code = re.sub(r"/reports/12\b", f"/reports/{demo['report']}", code)
    for shown, own in numbers.items():
        code = re.sub(rf"\b{shown}\b", own, code)
    return code


def test_the_page_has_the_examples_this_test_runs():
    found = examples()
    headings = {heading for heading, _, _ in found}
    assert {"Submit a response", "Read responses", "Set up an intervention"} <= headings
    assert sum(code.count("curl ") for _, lang, code in found if lang == "sh") >= 40
    assert any(lang == "python" for _, lang, _ in found)


@pytest.mark.skipif(CURL is None, reason="curl is not installed (apt-get install curl)")
def test_every_example_of_the_page_runs_against_the_demo(demo):
    ran = []
    for heading, lang, code in examples():
        code = filled_in(code, demo)
        if lang == "python":
            _check_python(code)
            ran.append(heading)
            continue
        token = demo["submit"] if SUBMITS.search(code) else demo["read"]
        script = (
            "set -euo pipefail\n"
            'curl() { command curl --fail-with-body --max-time 60 "$@"; }\n' + code + "\n"
        )
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=demo["folder"],
            env={"EVS": demo["url"], "TOKEN": token, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (
            f"the example under {heading!r} fails:\n{code}\n--- out:\n{done.stdout[-3000:]}"
            f"\n--- err:\n{done.stderr[-3000:]}"
        )
        ran.append(heading)
    assert "Set up an intervention" in ran and "Downloads" in ran
    # the downloads were written under the names the server gave
    assert any(p.suffix == ".pdf" for p in demo["folder"].iterdir())


def _check_python(code: str) -> None:
    """The webhook receiver's check: it accepts a signed body and refuses a changed one."""
    import hmac

    space: dict = {}
    exec(compile(code, str(DOC), "exec"), space)  # noqa: S102 - the page's own example
    verify = space["verify"]
    secret, body, stamp = "whsec_example", b'{"event": "ping"}', str(int(time.time()))
    signed = stamp.encode() + b"." + body
    signature = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert verify(secret, body, stamp, signature)
    assert not verify(secret, body + b" ", stamp, signature)
