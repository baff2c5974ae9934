from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Role

from . import factories


def test_login_page_renders_form_with_csrf_field(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="username"' in response.data and b'name="password"' in response.data


def test_unknown_user_and_wrong_password_get_the_same_answer(client, app):
    factories.user(Role.BOARD, username="board1")
    db.session.commit()
    unknown = client.post("/login", data={"username": "nobody", "password": "x" * 12})
    wrong = client.post("/login", data={"username": "board1", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 200
    assert factories.page_without_tokens(unknown.data.replace(b"nobody", b"")) == \
        factories.page_without_tokens(wrong.data.replace(b"board1", b""))


def test_home_requires_login_and_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_is_audited_and_opens_home(client, login_as):
    user = login_as(Role.BOARD)
    assert client.get("/").status_code == 200
    assert db.session.query(AuditEntry).filter_by(user_id=user.id, action="login").count() == 1
