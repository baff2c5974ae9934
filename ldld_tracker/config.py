"""Configuration classes; every value can be overridden from the environment."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEFAULT_SECRET_KEY = "dev-only-not-secret"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Development defaults: SQLite under ``instance/``, Vietnamese first."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'ldld_tracker.sqlite'}"
    )
    # Parameters (names, ID numbers) never appear in error messages or logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # PostgreSQL's memory per sort for the app's connections. The due page sorts a year of
    # stage moves (the country's: 650,000 rows), which PostgreSQL's default of 4 MB sends
    # to disk; each worker holds at most a few such sorts at once.
    POSTGRES_WORK_MEM = os.environ.get("LDLD_POSTGRES_WORK_MEM", "64MB")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_TIME_LIMIT = None
    # Sessions end after two hours without a request.
    PERMANENT_SESSION_LIFETIME = 2 * 60 * 60
    SESSION_REFRESH_EACH_REQUEST = True
    PAGE_SIZE = _env_int("LDLD_PAGE_SIZE", 50)
    # 20 MB upload limit for workbooks, plus room for the multipart envelope.
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Reverse proxies (nginx) in front of the app that set X-Forwarded-For/-Proto. 0: the
    # headers are ignored (anyone can send them); set it to 1 behind one nginx, so that
    # sign-in throttling counts failures per client address, not for the proxy as a whole.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
    # Overrides of the Party-rule values in ``workflow.rules`` (name -> value), if a
    # regulation changes before the code does.
    RULE_OVERRIDES: dict = {}
    TESTING = False


class TestConfig(Config):
    """Isolated, fast configuration for the test suite."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    PAGE_SIZE = 20
    # Hashing stays real but cheap: scrypt's deliberate slowness would dominate the suite.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
