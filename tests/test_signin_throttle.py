"""Failed sign-ins are slowed per account, per typed name and per address."""

from __future__ import annotations

from ldld_tracker import signin
from ldld_tracker.extensions import db
from ldld_tracker.models import LoginThrottle, Role

from . import factories


def _attempt(client, username, password, address="127.0.0.9"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def test_repeated_failures_from_one_address_lock_that_address_for_every_account(client, app):
    other = factories.user(Role.BOARD, username="other")
    db.session.commit()
    for n in range(signin.MAX_ADDRESS_FAILURES):
        _attempt(client, f"guess{n}", "wrong password!", "10.9.9.9")
    locked = _attempt(client, "other", factories.PASSWORD, "10.9.9.9")
    assert locked.status_code == 200 and b"/login" not in locked.headers.get("Location", "").encode()
    assert db.session.get(LoginThrottle, "addr:10.9.9.9").locked_until is not None
    elsewhere = _attempt(client, other.username, factories.PASSWORD, "10.9.9.10")
    assert elsewhere.status_code == 302


def test_an_unknown_name_locks_like_a_real_account_so_locks_reveal_nothing(client, app):
    user = factories.user(Role.BOARD, username="real")
    db.session.commit()
    answers = {}
    for name in ("real", "ghost"):
        for n in range(6):
            answers[name] = _attempt(client, name, "wrong password!", f"10.0.{n}.{len(name)}")
    assert user.locked_until is not None
    assert factories.page_without_tokens(answers["real"].data.replace(b"real", b"")) == \
        factories.page_without_tokens(answers["ghost"].data.replace(b"ghost", b""))


def test_a_success_resets_the_count_for_that_name(client, app):
    user = factories.user(Role.BOARD, username="forgetful")
    db.session.commit()
    for _ in range(4):
        _attempt(client, "forgetful", "wrong password!")
    assert _attempt(client, "forgetful", factories.PASSWORD).status_code == 302
    assert user.failed_logins == 0
    assert db.session.get(LoginThrottle, "name:forgetful").failures == 0
