"""``flask users create``: the password from standard input, scopes that match roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ldld_tracker.extensions import db
from ldld_tracker.models import Role, User

from . import factories

PASSWORD = "a-long-enough-password"


def create(runner, *args: str, password: str = PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\nignored second line\n")


def stored(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BOARD])
def test_create_user_without_scope_reads_password_from_stdin(runner, role):
    result = create(runner, "Someone", "--role", role.value)
    assert result.exit_code == 0, result.output
    user = stored("someone")
    assert user.role is role and user.unit is None and user.enterprise is None
    assert user.check_password(PASSWORD) and not user.check_password("ignored second line")


def test_create_district_officer_for_a_unit(runner):
    result = create(runner, "officer", "--role", "district", "--unit", "651", "--full-name", "Lê Văn A")
    assert result.exit_code == 0, result.output
    user = stored("officer")
    assert user.unit.code == "651" and user.enterprise is None and user.full_name == "Lê Văn A"


def test_create_enterprise_officer_for_a_tax_code(app, runner):
    enterprise = factories.enterprise(tax_code="6000123457")
    db.session.commit()
    result = create(runner, "cdcs", "--role", "enterprise", "--enterprise", "6000123457")
    assert result.exit_code == 0, result.output
    user = stored("cdcs")
    assert user.enterprise_id == enterprise.id and user.unit is None


def test_unknown_unit_is_refused(runner):
    result = create(runner, "officer", "--role", "district", "--unit", "999")
    assert result.exit_code == 1 and "999" in result.output
    assert stored("officer") is None


def test_unknown_tax_code_is_refused(runner):
    result = create(runner, "cdcs", "--role", "enterprise", "--enterprise", "6000000999")
    assert result.exit_code == 1 and "6000000999" in result.output
    assert stored("cdcs") is None


def test_duplicate_username_is_refused_whatever_the_case(runner):
    assert create(runner, "board1", "--role", "board").exit_code == 0
    result = create(runner, "BOARD1", "--role", "admin")
    assert result.exit_code == 1 and "đã có người dùng" in result.output
    assert stored("board1").role is Role.BOARD


@pytest.mark.parametrize("args, message", [
    (("--role", "district"), "phải gắn với một đơn vị"),
    (("--role", "enterprise"), "phải gắn với một doanh nghiệp"),
    (("--role", "enterprise", "--unit", "643"), "only for a district officer"),
])
def test_scope_that_does_not_match_the_role_is_refused(runner, args, message):
    result = create(runner, "mismatch", *args)
    assert result.exit_code == 1 and message in result.output
    assert stored("mismatch") is None


@pytest.mark.parametrize(("args", "message"), [
    (("--role", "board", "--unit", "643"), "only for a district officer"),
    (("--role", "district", "--unit", "643", "--enterprise", "6000000001"),
     "only for an enterprise officer"),
])
def test_a_scope_option_the_role_does_not_take_is_refused_not_dropped(runner, args, message):
    result = create(runner, "board2", *args)
    assert result.exit_code == 1 and message in result.output
    assert stored("board2") is None


def test_short_password_is_refused(runner):
    result = create(runner, "shorty", "--role", "admin", password="short")
    assert result.exit_code == 1 and "10 ký tự" in result.output
    assert stored("shorty") is None
