"""The audit-log viewer: filters, who may read it, and that nothing can change it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy import func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Role

from . import factories

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app):
    """Requests reuse the ``app`` fixture's application context: forget Flask-Login's cached
    user in ``flask.g`` before each request, as a real server does."""

    @app.before_request
    def _forget_cached_user() -> None:
        g.pop("_login_user", None)


def _entry(action: str, at: datetime, *, user=None, object_type: str = "enterprise",
           object_id: int | None = 1, changes: dict | None = None, reason: str = "") -> AuditEntry:
    entry = AuditEntry(action=action, at=at, user_id=user.id if user else None,
                       object_type=object_type, object_id=object_id, changes=changes or {},
                       reason=reason)
    db.session.add(entry)
    db.session.flush()
    return entry


def _rows(response) -> str:
    """The table body of the log page, where the entries are."""
    return response.data.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.fixture
def board(login_as):
    return login_as(Role.BOARD)


def test_log_lists_entries_newest_first(client, board):
    _entry("marker.old", datetime(2020, 3, 1, tzinfo=UTC))
    _entry("marker.new", datetime(2020, 9, 1, tzinfo=UTC))
    db.session.commit()
    rows = _rows(client.get("/audit/"))
    assert rows.index("marker.new") < rows.index("marker.old")


def test_filter_by_user(client, board):
    other = factories.user(Role.DISTRICT, unit_obj=factories.unit("650"), username="districtman")
    _entry("by.other", datetime(2020, 5, 1, tzinfo=UTC), user=other)
    _entry("by.nobody", datetime(2020, 5, 2, tzinfo=UTC))
    db.session.commit()
    rows = _rows(client.get(f"/audit/?user={other.id}"))
    assert "by.other" in rows and "by.nobody" not in rows and "login" not in rows
    rows = _rows(client.get("/audit/?user=none"))
    assert "by.nobody" in rows and "by.other" not in rows


def test_filter_by_action(client, board):
    _entry("enterprise.create", datetime(2020, 5, 1, tzinfo=UTC))
    _entry("enterprise.update", datetime(2020, 5, 2, tzinfo=UTC))
    db.session.commit()
    rows = _rows(client.get("/audit/?action=enterprise.update"))
    assert "enterprise.update" in rows and "enterprise.create" not in rows


def test_filter_by_object_type_and_id(client, board):
    _entry("hit", datetime(2020, 5, 1, tzinfo=UTC), object_type="enterprise", object_id=7)
    _entry("other.id", datetime(2020, 5, 1, tzinfo=UTC), object_type="enterprise", object_id=8)
    _entry("other.type", datetime(2020, 5, 1, tzinfo=UTC), object_type="plan", object_id=7)
    db.session.commit()
    rows = _rows(client.get("/audit/?object_type=enterprise&object_id=7"))
    assert "hit" in rows and "other.id" not in rows and "other.type" not in rows


def test_filter_by_dates_uses_local_days_dd_mm_yyyy(client, board):
    # 17:30 UTC on 04/06 is already 00:30 on 05/06 in Vietnam (UTC+7).
    _entry("late.evening.utc", datetime(2020, 6, 4, 17, 30, tzinfo=UTC))
    _entry("before", datetime(2020, 6, 4, 16, 30, tzinfo=UTC))
    _entry("last.minute", datetime(2020, 6, 6, 16, 59, tzinfo=UTC))
    _entry("after", datetime(2020, 6, 6, 17, 0, tzinfo=UTC))
    db.session.commit()
    rows = _rows(client.get("/audit/?date_from=05/06/2020&date_to=06/06/2020"))
    assert "late.evening.utc" in rows and "last.minute" in rows
    assert "before" not in rows and "after" not in rows
    assert "05/06/2020 00:30" in rows


def test_bad_filter_values_are_shown_as_errors_never_a_500(client, board):
    response = client.get("/audit/?object_id=abc&date_from=31/02/2020&user=xyz&page=-3")
    assert response.status_code == 200
    assert b"Not a valid date" in response.data


def test_log_is_paginated(client, board):
    for n in range(25):
        _entry("bulk", datetime(2020, 1, 1, 0, n, tzinfo=UTC), object_id=n + 1)
    db.session.commit()
    first = _rows(client.get("/audit/?action=bulk"))
    second = _rows(client.get("/audit/?action=bulk&page=2"))
    assert first.count("<code>bulk</code>") == 20 and second.count("<code>bulk</code>") == 5
    assert "enterprise #1<" in second and "enterprise #25<" in first
    past = client.get("/audit/?action=bulk&page=3").get_data(as_text=True)
    assert "Page 3 is past the end of the list (25 in all)." in past
    assert "No entries match these filters." not in past


def test_changes_are_shown_before_and_after(client, board):
    _entry("enterprise.update", datetime(2020, 5, 1, tzinfo=UTC),
           changes={"workforce": [120, 150], "has_party_org": [False, True]}, reason="typo")
    db.session.commit()
    rows = _rows(client.get("/audit/?action=enterprise.update"))
    assert "<del>120</del> &rarr; <ins>150</ins>" in rows
    assert "<del>no</del> &rarr; <ins>yes</ins>" in rows and "typo" in rows


def test_personal_values_are_shown_to_the_board_but_not_to_the_admin(app, client, login_as):
    _entry("person.update", datetime(2020, 5, 1, tzinfo=UTC), object_type="person",
           changes={"full_name": ["Nguyễn Văn Cũ", "Nguyễn Văn Mới"]})
    db.session.commit()
    login_as(Role.ADMIN)
    rows = _rows(client.get("/audit/?action=person.update"))
    assert "person.update" in rows and "Nguyễn Văn Mới" not in rows
    board_client = app.test_client()
    board = factories.user(Role.BOARD)
    db.session.commit()
    board_client.post("/login", data={"username": board.username, "password": factories.PASSWORD})
    assert "Nguyễn Văn Mới" in _rows(board_client.get("/audit/?action=person.update"))


def test_admin_can_read_the_log(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("role", [Role.DISTRICT, Role.ENTERPRISE])
def test_officers_get_403(client, login_as, role):
    login_as(role)
    assert client.get("/audit/").status_code == 403


def test_signed_out_visitor_is_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_audit_blueprint_has_only_read_routes(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_no_route_in_the_app_is_about_changing_audit_entries(app):
    for rule in app.url_map.iter_rules():
        if rule.methods - {"GET", "HEAD", "OPTIONS"}:
            assert "audit" not in rule.rule and not rule.endpoint.startswith("audit."), rule


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_the_log_url_is_refused_and_changes_nothing(client, login_as, method):
    login_as(Role.ADMIN)
    entry = _entry("keep.me", datetime(2020, 5, 1, tzinfo=UTC))
    db.session.commit()
    count = db.session.scalar(select(func.count(AuditEntry.id)))
    response = getattr(client, method)("/audit/", data={"id": entry.id, "action": "changed"})
    assert response.status_code == 405
    assert db.session.scalar(select(func.count(AuditEntry.id))) == count
    db.session.refresh(entry)
    assert entry.action == "keep.me"
