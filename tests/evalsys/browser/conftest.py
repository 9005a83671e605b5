"""A real server on a fresh database, and a real headless Chromium driving it.

Locally a missing browser skips these tests with the reason; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _missing() -> str | None:
    if not CHROMIUM or not CHROMEDRIVER:
        return (
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser_available():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(browser_available, scratch_database_session):
    """evalsys served by waitress on 127.0.0.1, on its own migrated database with the demo."""
    from waitress.server import create_server

    from evalsys import demo, main
    from evalsys.cli.bootstrap import database_session
    from evalsys.db import get_engine, schema
    from evalsys.settings import apply_environment

    settings = apply_environment(scratch_database_session)
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    with database_session(engine) as dbsession:
        intervention, _ = demo.seed(dbsession, participants=150)
        slug = intervention.slug
    app = main({}, **scratch_database_session)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.effective_port}", "engine": engine, "slug": slug}
    server.close()
    engine.dispose()


@pytest.fixture
def browser(browser_available):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=360,800",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(360, 800)
    yield driver
    driver.quit()


def axe_violations(driver) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; return its violations."""
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(done);"
    )
    assert result["passes"], "axe-core checked nothing: is the page empty?"
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def screenshot(driver, name: str) -> None:
    """Save a screenshot for the guides when EVALSYS_SCREENSHOTS names a folder."""
    folder = os.environ.get("EVALSYS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
