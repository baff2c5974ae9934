"""The demo's accounts, one per role, all with the same password (demo data only)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Enterprise, Role, Unit, User

DEMO_PASSWORD = "demo-2020-dl"
# username, role, name shown in the menu
DEMO_USERS = (
    ("admin", Role.ADMIN, "Quản trị hệ thống (demo)"),
    ("board", Role.BOARD, "Ban Tổ chức Tỉnh ủy (demo)"),
    ("bmt", Role.DISTRICT, "LĐLĐ TP. Buôn Ma Thuột (demo)"),
    ("hoaphu", Role.ENTERPRISE, "CĐCS KCN Hòa Phú (demo)"),
)
DISTRICT_UNIT = "643"


def create_demo_users(enterprise: Enterprise) -> list[str]:
    """Add the demo accounts that do not exist yet (an existing account is left alone);
    ``enterprise`` is the one the enterprise officer works for. Returns the names added."""
    unit = db.session.scalar(select(Unit).where(Unit.code == DISTRICT_UNIT))
    added = []
    for username, role, full_name in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        user = User(username=username, role=role, full_name=full_name,
                    unit=unit if role is Role.DISTRICT else None,
                    enterprise=enterprise if role is Role.ENTERPRISE else None)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        added.append(username)
    return added
