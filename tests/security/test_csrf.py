"""Every POST route of the app refuses a request without a valid CSRF token: a 400 page
that says why, in the user's language, and nothing changed in the database."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext

from ..fault_helpers.fingerprint import fingerprint
from .route_table import ROUTES, url_for_case
from .world import build_world, sign_in

CSRF_MESSAGE = ("The form has expired or was not sent from this site. "
                "Reload the page and try again.")
# Who posts each form in this test: someone who could otherwise do it.
PREFERRED = ("district", "board", "admin", "enterprise")


def _post_routes(app) -> list[tuple[str, str]]:
    return sorted({(rule.endpoint, "POST") for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods})


def _poster(endpoint: str) -> str:
    """The first role the matrix lets through (not 403/404) on an object in its scope."""
    if endpoint == "auth.login":
        return "anonymous"
    expected = ROUTES[(endpoint, "POST")].expect
    return next(role for role in PREFERRED if expected[role][0] not in (403, 404))


def _token(client, path: str) -> str:
    """The CSRF token of this client's session, from a page's language-switch form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def _message(locale: str) -> str:
    with force_locale(locale):
        return gettext(CSRF_MESSAGE)


def test_every_post_route_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(app):
    world = build_world()
    clients = {}
    for role in ("anonymous", *PREFERRED):
        clients[role] = app.test_client()
        sign_in(clients[role], world, role)
    app.config["WTF_CSRF_ENABLED"] = True
    foreign = _token(app.test_client(), "/login")  # valid, but for another session
    refusals = []
    routes = _post_routes(app)
    missing = [key for key in routes if key not in ROUTES]
    assert not missing, f"add these routes to tests/security/route_table.py: {missing}"
    for endpoint, method in routes:
        route = ROUTES[(endpoint, method)]
        role = _poster(endpoint)
        client = clients[role]
        url = url_for_case(app, endpoint, route.args(world, world.inside))
        data = route.data(world, world.inside) if route.data else {}
        message = _message("vi" if role == "anonymous" else "en")
        for token in (None, "not-a-token", foreign):
            before = fingerprint(app.extensions["sqlalchemy"].engine)
            body = dict(data) if token is None else {**data, "csrf_token": token}
            response = client.post(url, data=body)
            if response.status_code != 400 or message not in response.text:
                refusals.append(f"{role} POST {url} token={token!r}: {response.status_code}")
            assert fingerprint(app.extensions["sqlalchemy"].engine) == before, url
        # The refusal is the token's doing: with this session's token the form gets through.
        valid = _token(client, "/login" if role == "anonymous" else "/")
        response = client.post(url, data={**data, "csrf_token": valid})
        assert message not in response.text, f"{role} POST {url} refused with a valid token"
        if endpoint == "auth.logout":
            app.config["WTF_CSRF_ENABLED"] = False
            sign_in(client, world, role)
            app.config["WTF_CSRF_ENABLED"] = True
    assert not refusals, "accepted without a valid token:\n" + "\n".join(refusals)


def test_a_refused_sign_out_leaves_the_user_signed_in(app, client):
    world = build_world()
    sign_in(client, world, "district")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
