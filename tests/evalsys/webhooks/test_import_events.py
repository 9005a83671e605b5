"""A spreadsheet import (the bulk path, COPY on PostgreSQL) tells webhooks of every stored row."""

from __future__ import annotations

import csv
import io

from evalsys.accounts.models import User
from evalsys.programme.models import Intervention
from evalsys.webhooks import hooks

from .. import builders
from ..import_fixtures import ANSWERS, login_english, make_setup
from ..web_session import csrf_token
from .hook_world import run
from .receiver import receivers  # noqa: F401 - the fixture

HEADER = ["participant_code", "wave", "group", "language", *ANSWERS]


def test_each_imported_row_is_one_response_stored_event(
    app,
    testapp,
    dbsession,
    tm,
    receivers,  # noqa: F811
):
    setup = make_setup(dbsession, tm)
    receiver = receivers()
    coordinator = dbsession.query(User).filter_by(username="coco").one()
    hooks.register(
        dbsession,
        dbsession.get(Intervention, setup.intervention.id),
        coordinator,
        url=receiver.url,
        events=["response.stored"],
        include_answers=True,
        allow_private=True,  # the receiver listens on 127.0.0.1
    )
    builders.commit(tm)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for code in ("IM1", "IM2"):
        writer.writerow([code, "T0", "intervention", "nl", *ANSWERS.values()])
    login_english(testapp)
    page = testapp.get(f"{setup.base}/import")
    testapp.post(
        f"{setup.base}/import",
        {"csrf_token": csrf_token(page)},
        upload_files=[("file", "rows.csv", out.getvalue().encode())],
    )
    assert run(app)["delivered"] == 2
    sent = sorted((r.json for r in receiver.requests), key=lambda b: b["participant_code"])
    assert [(b["participant_code"], b["mode"], b["site"]) for b in sent] == [
        ("IM1", "import", setup.own),
        ("IM2", "import", setup.own),
    ]
    assert sent[0]["answers"] == ANSWERS and sent[0]["scores"]["gse"]
