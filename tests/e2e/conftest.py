"""Browser tests: Debian's Chromium driven by Playwright against a real gunicorn server on a
free loopback port with its own SQLite database.

Without Chromium or Playwright these tests are skipped with the reason printed, unless
``LDLD_REQUIRE_E2E=1`` (set by CI), which turns the skip into a failure. On failure the
page's screenshot and console errors are kept under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = os.environ.get("LDLD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "e2e-password-2020"


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_browser()
    if reason is None:
        return
    if os.environ.get("LDLD_REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"LDLD_REQUIRE_E2E=1 but {reason}.")
    print(f"\nSKIPPING browser tests: {reason}.")
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(marker)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env: dict, *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "ldld_tracker", *args],
                   env=env, cwd=PROJECT, check=True, input=stdin, text=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class LiveServer:
    """The app served by gunicorn, and a way to reach its database from the test."""

    def __init__(self, url: str, env: dict, database_url: str) -> None:
        self.url = url
        self.env = env
        self.database_url = database_url

    def app(self):
        from ldld_tracker import create_app

        return create_app({"SQLALCHEMY_DATABASE_URI": self.database_url, "TESTING": False})

    def create_user(self, username: str, role: str, *, unit: str | None = None,
                    enterprise: str | None = None) -> str:
        args = ["users", "create", username, "--role", role]
        if unit:
            args += ["--unit", unit]
        if enterprise:
            args += ["--enterprise", enterprise]
        _flask(self.env, *args, stdin=PASSWORD + "\n")
        return username


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    if _missing_browser():
        pytest.skip(_missing_browser())
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'e2e.sqlite'}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "e2e-secret-key-not-real",
           "PYTHONPATH": str(PROJECT)}
    env.pop("LDLD_ENV", None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-reference")
    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "ldld_tracker:create_app()"],
        env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("the live server did not start; see " + str(folder / "server.log"))
    try:
        yield LiveServer(url, env, database_url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault("reports", {})[report.when] = report
    return report


def _is_error(page, message) -> bool:
    """A console error, except Chromium's note that the page itself came with an error status
    (a refused form answers 422, a page outside one's scope 404: that is the app working).
    A script, style or image that fails to load is still an error."""
    if message.type != "error":
        return False
    status_note = message.text.startswith("Failed to load resource: the server responded with")
    return not (status_note and message.location.get("url") == page.url)


def _new_page(request, browser, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _is_error(page, m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    report = request.node.stash.get("reports", {}).get("call")
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(errors), encoding="utf-8")
    context.close()
    assert errors == [], f"JavaScript console errors: {errors}"


@pytest.fixture
def page(request, browser):
    yield from _new_page(request, browser, {"width": 1280, "height": 900})


@pytest.fixture
def phone_page(request, browser):
    yield from _new_page(request, browser, {"width": 375, "height": 812})


def sign_in(page, live_server: LiveServer, username: str) -> None:
    page.goto(live_server.url + "/login")
    page.get_by_label("Tên đăng nhập").or_(page.get_by_label("Username")).fill(username)
    page.get_by_label("Mật khẩu").or_(page.get_by_label("Password")).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="session")
def world(live_server):
    """Enterprises and one account per role shared by the journeys (tests/e2e/world.py)."""
    from .world import build_world

    return build_world(live_server)
