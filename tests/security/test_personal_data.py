"""Personal data (names, citizen IDs, ethnicity, religion) is shown only to users whose
scope holds the person, and never goes into a URL or a log line."""

from __future__ import annotations

import io
import logging

import pytest

from ldld_tracker.text import fold

from ..excel.helpers import PERSON_HEADERS, person_row, write
from .crawl import Page, crawl, leaks, page_of, url_forms
from .route_table import ROUTES, url_for_case
from .world import ROLES, Side, World, build_world, sign_in

# Pages that list every ethnic group and religion as reference data, about nobody: the
# administrator's lists and the import template's lists of valid values.
REFERENCE_PAGES = ("/admin/reference/", "/imports/templates/")


def _hidden_from(world: World, role: str) -> list[Side]:
    """The people outside this role's scope."""
    everyone = [world.inside, world.sibling, world.outside]
    return {"anonymous": everyone, "admin": everyone, "board": [],
            "district": [world.outside],
            "enterprise": [world.sibling, world.outside]}[role]


def _secrets(sides: list[Side]) -> dict[str, str]:
    """label -> value for each person's data, with the distinctive last word of each name
    (so part of a name is caught too)."""
    secrets = {}
    for side in sides:
        for label, value in side.personal_strings().items():
            secrets[f"{side.person.citizen_id} {label}"] = value
        secrets[f"{side.person.citizen_id} name word"] = side.person.full_name.split()[-1]
    return secrets


def _url_secrets(world: World) -> dict[str, str]:
    """Everyone's data, as typed and accent-folded: nobody's belongs in a URL."""
    secrets = _secrets([world.inside, world.sibling, world.outside])
    return {**secrets, **{f"{label} (folded)": fold(value) for label, value in secrets.items()}}


def _route_urls(app, world: World) -> list[str]:
    """Every GET route, for an object inside and one outside the scope."""
    return [url_for_case(app, endpoint, route.args(world, side))
            for (endpoint, method), route in sorted(ROUTES.items()) if method == "GET"
            for side in (world.inside, world.outside)]


def _search_everywhere(client, world: World, role: str) -> list[Page]:
    """Search each list for an in-scope member by citizen ID and by name: the text must
    travel by POST and the session, never in the URL it redirects to. (The administrator
    and anonymous visitors see nobody: they have nobody to search for.)"""
    if role in ("anonymous", "admin"):
        return []
    visible = world.inside if role in ("district", "enterprise") else world.outside
    pages = []
    for path in ("/members/", "/dossiers/", "/enterprises/"):
        for text in (visible.person.citizen_id, visible.person.full_name):
            pages.append(page_of(path, client.post(path + "?unit=" + visible.unit.code,
                                                    data={"q": text})))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_people_outside_the_scope_appear_in_no_page_and_nobody_appears_in_a_url(app, client, role):
    world = build_world()
    sign_in(client, world, role)
    searches = _search_everywhere(client, world, role)
    pages = crawl(client, ["/", *_route_urls(app, world)], limit=300)
    assert len(pages) > 40  # the crawl really went through the app
    assert all(page.status < 500 for page in pages), [p.url for p in pages if p.status >= 500]

    hidden_sides = _hidden_from(world, role)
    for side in (world.inside, world.sibling, world.outside):
        if side not in hidden_sides:  # the crawl reaches the people the user may see
            shown = _secrets([side])
            assert not set(shown) - {label for page in pages
                                     for label in leaks(page.shown_text(), shown)}
    hidden = _secrets(hidden_sides)
    seen = []
    for page in pages:
        text = page.shown_text()
        if page.url.startswith(REFERENCE_PAGES):
            secrets = {k: v for k, v in hidden.items() if "ethnic" not in k and "religion" not in k}
        else:
            secrets = hidden
        seen += [f"{page.url}: {label}" for label in leaks(text, secrets)]
    assert not seen, "\n".join(seen)

    in_urls = []
    url_secrets = _url_secrets(world)
    for page in [*searches, *pages]:
        for url in [page.url, *page.urls]:
            for form in url_forms(url):
                in_urls += [f"{page.url} -> {url}: {label}" for label in leaks(form, url_secrets)]
    assert not in_urls, "\n".join(in_urls)


def test_the_member_page_shows_ethnicity_and_religion_inside_the_scope(client):
    world = build_world()
    sign_in(client, world, "district")
    text = client.get(f"/members/{world.inside.person.id}").text
    assert world.inside.person.ethnic_group.name in text
    assert world.inside.person.religion.name in text


class AccessLog:
    """What a server's access log would write for each request (werkzeug's and gunicorn's
    default lines hold the method, path and query string)."""

    def __init__(self, client) -> None:
        self.client = client
        self.log = logging.getLogger("werkzeug")

    def open(self, url: str, method: str = "GET", **kwargs):
        response = self.client.open(url, method=method, **kwargs)
        environ = response.request.environ
        query = environ.get("QUERY_STRING")
        self.log.info('127.0.0.1 - - "%s %s%s HTTP/1.1" %s -', method, environ["PATH_INFO"],
                      f"?{query}" if query else "", response.status_code)
        return response


def test_no_personal_data_reaches_the_logs_through_searches_refusals_or_a_crash(
        app, client, caplog, monkeypatch, tmp_path):
    caplog.set_level(logging.DEBUG)
    world = build_world()
    person = world.inside.person
    outsider = world.outside.person
    server = AccessLog(client)
    # A failed sign-in typed with a citizen ID as the user name.
    server.open("/login", "POST", data={"username": person.citizen_id, "password": "wrong"})
    sign_in(client, world, "district")
    for path in ("/members/", "/dossiers/", "/enterprises/"):
        for text in (person.citizen_id, person.full_name, outsider.citizen_id):
            server.open(path, "POST", data={"q": text})
            server.open(path)
    # Refusals: a citizen ID already recorded, in the scope and outside it.
    base = {"full_name": "Trần Văn Mới", "birth_date": "01/01/1990", "sex": "male",
            "ethnic_group_id": str(person.ethnic_group_id), "role_category": "worker",
            "enterprise_id": str(world.inside.enterprise.id)}
    for taken in (person.citizen_id, outsider.citizen_id):
        response = server.open("/members/new", "POST", data={**base, "citizen_id": taken})
        assert response.status_code == 200 and "citizen ID is already recorded" in response.text
    assert outsider.full_name not in response.text
    # A crash whose message carries personal data.

    def crash(**_kwargs):
        raise RuntimeError(f"cannot show {person.full_name} {person.citizen_id} "
                           f"{person.ethnic_group.name}")

    monkeypatch.setitem(app.view_functions, "people.detail", crash)
    assert server.open(f"/members/{person.id}").status_code == 500
    # An import job that fails on a workbook named after a person, and says who in its error.
    monkeypatch.setattr("ldld_tracker.excel.uploads.run_import", lambda *a, **k: crash())
    workbook = write(tmp_path / "list.xlsx", [PERSON_HEADERS, person_row(
        person.citizen_id, world.inside.enterprise.tax_code, name=person.full_name)])
    upload = (io.BytesIO(workbook.read_bytes()), f"Danh sách {person.full_name}.xlsx")
    response = server.open("/imports/upload", "POST", data={"kind": "dossiers", "file": upload},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert "stopped unexpectedly" in client.get("/imports/preview").text

    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n" + caplog.text
    assert "Unhandled RuntimeError" in logged  # the crashes are logged, without their message
    assert "Import job failed: RuntimeError" in logged
    assert '"POST /members/ HTTP/1.1" 302' in logged
    secrets = _url_secrets(world)
    assert not leaks(logged, secrets), leaks(logged, secrets)
