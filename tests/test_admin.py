"""User administration, sign-in lockout and password changes."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import func, select

from ldld_tracker import create_app
from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Role, User
from ldld_tracker.reference import load_reference_data

from . import factories

pytestmark = pytest.mark.usefixtures("english")

NEW_PASSWORD = "a brand new secret"
LOCK_MESSAGE = b"Too many failed attempts"
WRONG = b"Wrong username or password."


def _login(client, username: str, password: str = factories.PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def _create(client, **values):
    data = {"username": "newuser", "full_name": "Lê Thị Hoa", "role": "board",
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **values}
    return client.post("/admin/users/new", data=data)


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app):
    """The shared ``app`` fixture keeps one application context open for the whole test, and
    requests reuse it, so Flask-Login's cached user in ``flask.g`` would leak from one test
    client (and one request) to the next. Forget it before each request, as a server does."""

    @app.before_request
    def _forget_cached_user() -> None:
        g.pop("_login_user", None)


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


@pytest.mark.parametrize("role", ["admin", "board", "district", "enterprise"])
def test_admin_creates_user_of_each_role_with_its_scope(client, admin, role):
    enterprise = factories.enterprise("651")
    unit = factories.unit("652")
    db.session.commit()
    response = _create(client, role=role, unit_id=str(unit.id), enterprise_tax_code=enterprise.tax_code)
    assert response.status_code == 302
    user = _user("newuser")
    assert user.role is Role(role) and user.full_name == "Lê Thị Hoa"
    assert user.unit_id == (unit.id if role == "district" else None)
    assert user.enterprise_id == (enterprise.id if role == "enterprise" else None)
    assert user.check_password(NEW_PASSWORD)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry.user_id == admin.id and entry.object_id == user.id


def test_new_user_can_sign_in_with_the_initial_password(app, client, admin):
    _create(client, username="Hoa.LT")
    assert _login(app.test_client(), "hoa.lt", NEW_PASSWORD).status_code == 302


def test_create_refuses_duplicate_username_whatever_its_case(client, admin):
    factories.user(Role.BOARD, username="taken")
    db.session.commit()
    before = _user_count()
    response = _create(client, username="Taken")
    assert response.status_code == 200
    assert b"already taken" in response.data
    assert _user_count() == before


def test_create_refuses_short_password(client, admin):
    response = _create(client, password="short9chr", confirm="short9chr")
    assert b"at least 10 characters" in response.data
    assert _user("newuser") is None


def test_create_refuses_district_officer_without_unit(client, admin):
    response = _create(client, role="district", unit_id="")
    assert b"A district officer needs a unit." in response.data
    assert _user("newuser") is None


def test_create_refuses_enterprise_officer_with_unknown_tax_code(client, admin):
    response = _create(client, role="enterprise", enterprise_tax_code="9999999999")
    assert b"No enterprise has this tax code." in response.data
    assert _user("newuser") is None


def test_create_refuses_a_unit_that_does_not_exist_without_500(client, admin):
    response = _create(client, role="district", unit_id="999999")
    assert response.status_code == 200
    assert _user("newuser") is None


def test_edit_changes_name_role_and_scope_and_audits_before_and_after(client, admin):
    target = factories.user(Role.BOARD, username="officer")
    unit = factories.unit("655")
    db.session.commit()
    response = client.post(f"/admin/users/{target.id}",
                           data={"full_name": "Y Blốk", "role": "district", "unit_id": str(unit.id)})
    assert response.status_code == 302
    db.session.refresh(target)
    assert (target.role, target.unit_id, target.full_name) == (Role.DISTRICT, unit.id, "Y Blốk")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.changes["role"] == ["board", "district"]
    assert entry.changes["unit_id"] == [None, unit.id]


def test_admin_cannot_take_the_admin_role_from_themself(client, admin):
    response = client.post(f"/admin/users/{admin.id}", data={"role": "board"})
    assert b"administrator role away from yourself" in response.data
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


def test_deactivation_logs_the_user_out_and_they_cannot_sign_in_again(app, client, admin):
    officer = factories.user(Role.BOARD, username="leaving")
    db.session.commit()
    theirs = app.test_client()
    assert _login(theirs, "leaving").status_code == 302
    assert theirs.get("/").status_code == 200

    assert client.post(f"/admin/users/{officer.id}/deactivate").status_code == 302
    next_request = theirs.get("/")
    assert next_request.status_code == 302 and "/login" in next_request.headers["Location"]
    again = _login(theirs, "leaving")
    assert again.status_code == 200 and WRONG in again.data
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivate")) is not None


def test_admin_cannot_deactivate_themself(client, admin):
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.session.refresh(admin)
    assert admin.active
    assert client.get("/admin/users").status_code == 200


def test_reactivated_user_signs_in_again(app, client, admin):
    officer = factories.user(Role.BOARD, username="back")
    db.session.commit()
    client.post(f"/admin/users/{officer.id}/deactivate")
    client.post(f"/admin/users/{officer.id}/reactivate")
    assert _login(app.test_client(), "back").status_code == 302


def test_password_reset_ends_old_sessions_and_only_the_new_password_works(app, client, admin):
    officer = factories.user(Role.BOARD, username="forgetful")
    db.session.commit()
    theirs = app.test_client()
    _login(theirs, "forgetful")
    response = client.post(f"/admin/users/{officer.id}/password",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert theirs.get("/").status_code == 302
    assert WRONG in _login(theirs, "forgetful").data
    assert _login(theirs, "forgetful", NEW_PASSWORD).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password.reset"))
    assert entry.object_id == officer.id and NEW_PASSWORD not in str(entry.changes)


def test_password_reset_refuses_short_password(client, admin):
    officer = factories.user(Role.BOARD, username="short")
    db.session.commit()
    response = client.post(f"/admin/users/{officer.id}/password",
                           data={"password": "x" * 9, "confirm": "x" * 9})
    assert response.status_code == 422
    db.session.refresh(officer)
    assert officer.check_password(factories.PASSWORD)


def test_admin_unlocks_a_locked_account(app, client, admin):
    officer = factories.user(Role.BOARD, username="locked")
    db.session.commit()
    theirs = app.test_client()
    for _ in range(5):
        _login(theirs, "locked", "wrong password")
    assert LOCK_MESSAGE in _login(theirs, "locked").data
    assert b"Locked" in client.get("/admin/users").data

    assert client.post(f"/admin/users/{officer.id}/unlock").status_code == 302
    assert _login(theirs, "locked").status_code == 302


ADMIN_PAGES = [
    ("get", "/admin/users"), ("get", "/admin/users/new"), ("post", "/admin/users/new"),
    ("get", "/admin/users/{id}"), ("post", "/admin/users/{id}"), ("post", "/admin/users/{id}/password"),
    ("post", "/admin/users/{id}/deactivate"), ("post", "/admin/users/{id}/reactivate"),
    ("post", "/admin/users/{id}/unlock"), ("get", "/admin/reference/units"),
    ("get", "/admin/reference/zones"), ("get", "/admin/reference/ethnic-groups"),
    ("get", "/admin/reference/religions"),
]


@pytest.mark.parametrize("role", [Role.BOARD, Role.DISTRICT, Role.ENTERPRISE])
def test_other_roles_get_403_on_every_admin_page(client, login_as, role):
    other = factories.user(Role.BOARD, username="someone")
    db.session.commit()
    login_as(role)
    for method, path in ADMIN_PAGES:
        response = getattr(client, method)(path.format(id=other.id), data={"role": "admin"})
        assert response.status_code == 403, (method, path)
    db.session.refresh(other)
    assert other.role is Role.BOARD and other.active


def test_signed_out_visitor_is_sent_to_login_from_admin_pages(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_reference_pages_list_seed_data_and_say_how_it_is_loaded(client, admin):
    units = client.get("/admin/reference/units").data.decode()
    assert "Huyện Krông A Na" in units and "Krông Ana" in units and "30/06/2025" in units
    assert "seed-reference" in units
    assert "KCN Hòa Phú" in client.get("/admin/reference/zones").data.decode()
    assert "Ê Đê" in client.get("/admin/reference/ethnic-groups").data.decode()
    assert "Phật giáo" in client.get("/admin/reference/religions").data.decode()


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client):
    factories.user(Role.BOARD, username="target")
    db.session.commit()
    for _ in range(4):
        assert WRONG in _login(client, "target", "wrong password").data
    assert _login(client, "target").status_code == 302  # four failures: not locked yet
    client.post("/logout")
    for _ in range(5):
        _login(client, "target", "wrong password")
    locked = _login(client, "target")
    assert locked.status_code == 200 and LOCK_MESSAGE in locked.data
    assert _user("target").locked_until is not None


def test_unknown_user_and_wrong_password_get_identical_responses(client):
    factories.user(Role.BOARD, username="real")
    db.session.commit()
    unknown = _login(client, "ghost", "not the password")
    wrong = _login(client, "real", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert WRONG in unknown.data
    assert factories.page_without_tokens(unknown.data.replace(b"ghost", b"real")) == \
        factories.page_without_tokens(wrong.data)


def test_lock_is_kept_in_the_database_and_holds_for_another_app_instance(tmp_path):
    uri = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    config = {"SQLALCHEMY_DATABASE_URI": uri, "FIXED_TODAY": "2020-12-15",
              "BABEL_DEFAULT_LOCALE": "en"}
    first = create_app(config)
    second = create_app(config)
    try:
        with first.app_context():
            db.create_all()
            load_reference_data()
            factories.user(Role.BOARD, username="shared")
            db.session.commit()
        first_client = first.test_client()
        for _ in range(5):
            assert WRONG in _login(first_client, "shared", "wrong password").data
        response = _login(second.test_client(), "shared")
        assert response.status_code == 200 and LOCK_MESSAGE in response.data
        with second.app_context():
            assert _user("shared").locked_until is not None
    finally:
        for app in (first, second):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_user_changes_own_password_and_the_old_one_stops_working(app, client, login_as):
    user = login_as(Role.DISTRICT)
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in
    fresh = app.test_client()
    assert WRONG in _login(fresh, user.username).data
    assert _login(fresh, user.username, NEW_PASSWORD).status_code == 302


def test_own_password_change_refuses_a_wrong_current_password(client, login_as):
    user = login_as(Role.ENTERPRISE)
    response = client.post("/account/password", data={
        "current": "not my password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 200 and b"current password is wrong" in response.data
    db.session.refresh(user)
    assert user.check_password(factories.PASSWORD)
