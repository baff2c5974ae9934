"""Every route x every role x an object inside and outside the user's scope answers as
``route_table.ROUTES`` says; a route missing from the table fails the suite."""

from __future__ import annotations

import re

import pytest

from .route_table import MISSING, ROUTES, routes_of, url_for_case
from .world import ROLES, build_world, sign_in


def test_every_route_of_the_app_has_an_entry_in_the_matrix(app):
    answered = routes_of(app)
    missing = sorted(answered - ROUTES.keys())
    assert not missing, f"add these routes to tests/security/route_table.py: {missing}"
    stale = sorted(ROUTES.keys() - answered)
    assert not stale, f"these routes no longer exist: {stale}"


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def _ordered() -> list[tuple[str, str]]:
    """Signing out last, so the other requests run signed in."""
    return sorted(ROUTES, key=lambda key: (key == ("auth.logout", "POST"), key))


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_matrix_says(app, client, role):
    world = build_world()
    sign_in(client, world, role)
    wrong = []
    for endpoint, method in _ordered():
        route = ROUTES[(endpoint, method)]
        for index, side in enumerate((world.inside, world.outside)):
            url = url_for_case(app, endpoint, route.args(world, side))
            data = route.data(world, side) if route.data else None
            response = client.open(url, method=method, data=data)
            expected = route.expect[role][index]
            if response.status_code != expected:
                wrong.append(f"{method} {url} ({'inside' if index == 0 else 'outside'}): "
                             f"expected {expected}, got {response.status_code}")
            if url.startswith("/api/") and response.status_code >= 400:
                assert response.is_json, url
            if endpoint == "auth.logout" and role != "anonymous":
                sign_in(client, world, role)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", ["/members/{person}", "/members/{person}/edit",
                                  "/dossiers/{dossier}", "/enterprises/{enterprise}",
                                  "/enterprises/{enterprise}/edit"])
def test_an_object_outside_the_scope_answers_exactly_as_one_that_does_not_exist(
        app, client, path):
    world = build_world()
    sign_in(client, world, "district")
    outside = world.outside
    hidden_path = path.format(person=outside.person.id, dossier=outside.dossier.id,
                              enterprise=outside.enterprise.id)
    absent_path = path.format(person=MISSING, dossier=MISSING, enterprise=MISSING)
    hidden, absent = client.get(hidden_path), client.get(absent_path)
    assert hidden.status_code == absent.status_code == 404
    # The page differs only by its own address (the language switch comes back to it).
    assert _without_token(hidden.text).replace(hidden_path, "PATH") == \
        _without_token(absent.text).replace(absent_path, "PATH")


def test_anonymous_api_calls_get_a_401_json_answer_not_a_redirect(client):
    response = client.get("/api/v1/progress")
    assert response.status_code == 401
    assert response.json["status"] == 401
