"""GET /healthz, with the database up and down."""

import webtest

from evalsys import main


def test_healthz_reports_a_reachable_database(testapp):
    response = testapp.get("/healthz")
    assert response.status_int == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(app_settings, tmp_path):
    settings = dict(app_settings)
    if settings["sqlalchemy.url"].startswith("sqlite"):
        # A directory that does not exist: SQLite cannot open the file.
        settings["sqlalchemy.url"] = f"sqlite:///{tmp_path}/missing/dir/db.sqlite"
    else:
        # Nothing listens on port 1.
        settings["sqlalchemy.url"] = "postgresql+psycopg://postgres@127.0.0.1:1/evalsys"
        settings["sqlalchemy.connect_args"] = None
    down = webtest.TestApp(main({}, **settings))
    response = down.get("/healthz", status=503)
    assert response.json == {"status": "error", "database": "unreachable"}


def unreachable_app(app_settings, tmp_path):
    settings = dict(app_settings)
    if settings["sqlalchemy.url"].startswith("sqlite"):
        settings["sqlalchemy.url"] = f"sqlite:///{tmp_path}/missing/dir/db.sqlite"
    else:
        settings["sqlalchemy.url"] = "postgresql+psycopg://postgres@127.0.0.1:1/evalsys"
    return webtest.TestApp(main({}, **settings))


def test_pages_answer_503_with_retry_after_while_the_database_is_down(app_settings, tmp_path):
    down = unreachable_app(app_settings, tmp_path)
    page = down.get("/s/some-link", status=503)
    assert page.headers["Retry-After"] == "30"
    assert "Traceback" not in page.text and "even niet bereikbaar" in page.text


def test_the_api_answers_503_in_its_error_shape_while_the_database_is_down(app_settings, tmp_path):
    down = unreachable_app(app_settings, tmp_path)
    response = down.post_json(
        "/api/v1/responses",
        {"submission_id": "x"},
        headers={"Authorization": "Bearer evs_abc"},
        status=503,
    )
    assert response.json["error"] == "unavailable"
    assert response.headers["Retry-After"] == "30"
