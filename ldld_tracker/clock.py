"""Today's date in Vietnam, the one every "not in the future" rule compares with."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """Today in Vietnam (``FIXED_TODAY`` in the configuration pins it, for tests)."""
    if has_app_context():
        fixed = current_app.config.get("FIXED_TODAY")
        if fixed:
            return date.fromisoformat(str(fixed))
    return datetime.now(VIETNAM).date()
