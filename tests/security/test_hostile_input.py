"""Hostile input against every form field, the lists' and dashboards' query strings and
the JSON API: never a 500, a clear message, markup shown escaped, nothing saved when
refused (every table's rows compared), and accepted text stored clean."""

from __future__ import annotations

import re
from itertools import count
from urllib.parse import quote

import pytest
from sqlalchemy import String
from werkzeug.datastructures import MultiDict

from ldld_tracker.extensions import db

from .corpus import CORPUS, LIVE_MARKUP, MEGABYTE_TEXT, is_clean
from .hostile_forms import FORMS, Case, FormSpec
from .snapshot import fingerprint
from .world import World, build_world, sign_in

CATEGORIES = list(CORPUS)
FORM_STATUSES = {200, 302, 400, 409, 413, 422}
# What a page shows when it refuses: a message under a field, an alert, or the error page.
MESSAGE_MARKS = ("invalid-feedback", "alert-danger", "alert-warning", "Error code", "Mã lỗi")
WRONG_TYPES = ({"a": 1}, [1, 2, 3], 10**30, None, True, 1.5)


def _messages(page: str) -> list[str]:
    """The refusal messages of a page (to say why a valid submission was refused)."""
    return re.findall(r'class="(?:invalid-feedback|alert alert-\w+)"[^>]*>(.*?)</div>', page, re.S)


def _values(index: int, per_field: int | None) -> list[tuple[str, str]]:
    """The (category, value) pairs sent to field number ``index``: ``per_field``
    categories (all for None) in turn across fields, each category's values in turn too,
    and always the digit that ``str.isdigit`` takes and ``int`` refuses."""
    wanted = len(CATEGORIES) if per_field is None else per_field
    chosen = {CATEGORIES[(index * wanted + j) % len(CATEGORIES)] for j in range(wanted)}
    chosen.add("digit-like")
    return [(category, CORPUS[category][index % len(CORPUS[category])])
            for category in CATEGORIES if category in chosen]


class Prober:
    """Sends spoiled submissions of one form and collects what went wrong."""

    def __init__(self, app, world: World, spec: FormSpec) -> None:
        self.app, self.world, self.spec = app, world, spec
        self.numbers = count(1)
        self.client = self._client()
        self.problems: list[str] = []

    def _client(self):
        client = self.app.test_client()
        sign_in(client, self.world, self.spec.role)
        return client

    def prepare(self) -> Case:
        return self.spec.prepare(self.world, next(self.numbers))

    def post(self, case: Case, label: str, **kwargs):
        """Post, then check the answer; returns the response."""
        if self.spec.role == "anonymous":  # sign-in: a fresh visitor from a fresh address
            self.client = self.app.test_client()
            number = next(self.numbers)
            kwargs["environ_base"] = {"REMOTE_ADDR": f"10.9.{number // 250}.{number % 250 + 1}"}
        engine = db.engine
        before = fingerprint(engine)
        response = self.client.post(case.url, **kwargs)
        text = response.get_data(as_text=True)
        status = response.status_code
        if status not in FORM_STATUSES:
            self.problems.append(f"{label}: status {status}")
            return response
        self._no_live_markup(label, text)
        if status == 302:
            self._accepted(case, label, response)
        else:
            changed = {table for table, rows in fingerprint(engine).items()
                       if rows != before[table]} - self.spec.may_change
            if changed:
                self.problems.append(f"{label}: refused ({status}) but changed {sorted(changed)}")
            if not any(mark in text for mark in MESSAGE_MARKS):
                self.problems.append(f"{label}: refused ({status}) without a message")
        return response

    def _no_live_markup(self, label: str, text: str) -> None:
        for markup in LIVE_MARKUP:
            if markup in text:
                self.problems.append(f"{label}: live markup {markup!r} in the page")

    def _accepted(self, case: Case, label: str, response) -> None:
        """Accepted: what was stored is clean, and the page it leads to shows it escaped."""
        for record in case.stored():
            if record is None:
                continue
            db.session.refresh(record)
            for column in record.__table__.columns:
                value = getattr(record, column.key, None)
                if isinstance(column.type, String) and isinstance(value, str) \
                        and not is_clean(value):
                    self.problems.append(f"{label}: stored {column.key}={value[:40]!r}")
        page = self.client.get(response.headers["Location"])
        if page.status_code >= 500:
            self.problems.append(f"{label}: the page after saving answers {page.status_code}")
        self._no_live_markup(label, page.get_data(as_text=True))


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_hostile_values_in_each_field_are_refused_clearly_or_stored_clean(app, form_name):
    spec = FORMS[form_name]
    prober = Prober(app, build_world(), spec)
    control = prober.prepare()
    response = prober.post(control, "the valid submission", data=control.data)
    assert response.status_code == 302, _messages(response.get_data(as_text=True))
    per_field = spec.per_field or max(2, -(-len(CATEGORIES) // max(1, len(control.data))))
    for index, name in enumerate(control.data):
        values = _values(index, per_field)
        if index == 0 and spec.megabyte:
            values.append(("long text", MEGABYTE_TEXT))
        for category, value in values:
            case = prober.prepare()
            prober.post(case, f"{name}={value[:30]!r} ({category})",
                        data={**case.data, name: value})
    assert not prober.problems, "\n".join(prober.problems)


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_repeated_keys_and_json_bodies_never_break_a_form(app, form_name):
    spec = FORMS[form_name]
    prober = Prober(app, build_world(), spec)
    hostile = CORPUS["html-looking"][0]
    case = prober.prepare()
    prober.post(case, "every key twice", data=MultiDict(
        [(k, v) for k, v in case.data.items()] + [(k, hostile) for k in case.data]))
    case = prober.prepare()
    prober.post(case, "every key twice, hostile first", data=MultiDict(
        [(k, hostile) for k in case.data] + [(k, v) for k, v in case.data.items()]))
    case = prober.prepare()
    response = prober.post(case, "a JSON body", json=case.data)
    assert response.status_code == 400  # pages take form data, not JSON
    case = prober.prepare()
    prober.post(case, "a JSON body of objects, lists, numbers and nulls",
                json={k: WRONG_TYPES[i % len(WRONG_TYPES)] for i, k in enumerate(case.data)})
    assert not prober.problems, "\n".join(prober.problems)


# Query strings and path segments: (role, path, parameters to spoil).
LIST_FILTERS = ("unit", "enterprise", "stage", "year", "year_of", "page", "role", "sex",
                "dossier", "ownership", "zone", "party")
PERIOD = ("year", "as_of", "unit")
QUERIES = [
    ("district", "/members/", LIST_FILTERS),
    ("district", "/dossiers/", LIST_FILTERS),
    ("district", "/enterprises/", LIST_FILTERS),
    # Every dashboard page reads its period and unit the same way: two pages stand for all.
    ("district", "/dashboards/", PERIOD),
    ("district", "/dashboards/breakdowns", PERIOD),
    ("board", "/dashboards/district/643", PERIOD),
    ("district", "/api/v1/progress", ("year", "district", "as_of")),
    ("board", "/audit/", ("user", "action", "object_type", "object_id", "date_from", "date_to",
                          "page")),
    ("board", "/plans/1/enterprise-targets", ("unit",)),
    ("board", "/plans/1/reported", ("unit",)),
    ("admin", "/admin/users", ("page",)),
    ("district", "/reports/", ("year", "as_of")),
    ("district", "/reports/progress.xlsx", ("year", "as_of", "district", "unit")),
    ("district", "/reports/dossiers.xlsx", ("district", "unit", "enterprise", "stage", "year",
                                            "year_of")),
]
PATHS = [("district", "GET", "/dashboards/district/{}"), ("district", "POST", "/language/{}"),
         ("district", "POST", "/dossiers/1/milestones/{}"), ("district", "GET", "/members/{}"),
         ("admin", "GET", "/admin/users/{}"), ("district", "GET", "/imports/templates/{}.xlsx")]


def _check_get(client, url: str, problems: list[str], method: str = "GET") -> None:
    before = fingerprint(db.engine)
    response = client.open(url, method=method)
    text = response.get_data(as_text=True) if response.mimetype in ("text/html",
                                                                     "application/json") else ""
    if response.status_code not in (200, 302, 400, 404):
        problems.append(f"{url[:80]}: status {response.status_code}")
    if response.status_code in (400, 404) and not (response.is_json and "error" in response.json) \
            and not any(mark in text for mark in MESSAGE_MARKS):
        problems.append(f"{url[:80]}: {response.status_code} without a message")
    for markup in LIVE_MARKUP:
        if markup in text:
            problems.append(f"{url[:80]}: live markup {markup!r}")
    changed = {t for t, rows in fingerprint(db.engine).items() if rows != before[t]}
    if url.startswith("/reports/") and url.split("?")[0].endswith(".xlsx"):
        changed -= {"audit_entry"}  # a download is an audited export
    if method == "GET" and changed:
        problems.append(f"{url[:80]}: a GET changed {sorted(changed)}")


def test_hostile_query_strings_and_path_segments_never_break_a_page(app):
    world = build_world()
    clients = {}
    for role in ("district", "board", "admin"):
        clients[role] = app.test_client()
        sign_in(clients[role], world, role)
    problems: list[str] = []
    for role, path, parameters in QUERIES:
        for index, name in enumerate(parameters):
            for _category, value in _values(index, 4):
                _check_get(clients[role], f"{path}?{name}={quote(value[:2000])}", problems)
        _check_get(clients[role], f"{path}?{'&'.join(f'{p}=1&{p}=x' for p in parameters)}",
                   problems)
    for index, (role, method, pattern) in enumerate(PATHS):
        for _category, value in _values(index, None):
            _check_get(clients[role], pattern.format(quote(value[:2000], safe="")), problems,
                       method)
    assert not problems, "\n".join(problems)


# The bugs this corpus found, one test each.

def test_a_digit_python_cannot_read_as_a_number_gets_a_page_not_a_500(app, client):
    world = build_world()
    sign_in(client, world, "district")
    assert client.get("/enterprises/?zone=²").status_code == 200
    assert client.get("/members/?page=²&unit=①").status_code == 200
    assert client.get("/dashboards/?year=²²²²").status_code == 400
    dossier = world.inside.dossier
    response = client.post(f"/dossiers/{dossier.id}/settings",
                           data={"settings-note": "x", "version": "²"})
    assert response.status_code == 409  # an unreadable version is a stale one


def test_a_citizen_id_typed_in_full_width_digits_is_the_same_citizen_id(app, client):
    from ldld_tracker.records.people import normalise_citizen_id

    world = build_world()
    sign_in(client, world, "district")
    taken = world.inside.person.citizen_id
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in taken)
    assert normalise_citizen_id(full_width) == taken
    before = fingerprint(db.engine)
    case = FORMS["member new"].prepare(world, 1)
    response = client.post(case.url, data={**case.data, "citizen_id": full_width})
    assert response.status_code == 200 and "already recorded" in response.text
    arabic = "".join(chr(ord(digit) - 0x30 + 0x0660) for digit in taken)
    response = client.post(case.url, data={**case.data, "citizen_id": arabic})
    assert response.status_code == 200 and "exactly 12 digits" in response.text
    assert fingerprint(db.engine) == before


def test_a_json_body_posted_to_a_page_is_refused_and_saves_nothing(app, client):
    world = build_world()
    sign_in(client, world, "district")
    before = fingerprint(db.engine)
    case = FORMS["enterprise new"].prepare(world, 1)
    response = client.post(case.url, json={**case.data, "union_founded_on": {"a": 1}})
    assert response.status_code == 400 and "Error code" in response.text
    assert fingerprint(db.engine) == before


def test_a_reason_sent_with_a_new_step_is_shown_when_it_is_refused(app, client):
    world = build_world()
    sign_in(client, world, "district")
    case = FORMS["milestone applied"].prepare(world, 1)
    response = client.post(case.url, data={**case.data, "applied-reason": "x" * 501})
    assert response.status_code == 422
    assert 'id="applied-reason-error"' in response.text


def test_the_plan_target_is_typed_as_officials_write_it(app, client):
    world = build_world()
    sign_in(client, world, "board")
    case = FORMS["plan edit"].prepare(world, 1)
    response = client.post(case.url, data={**case.data, "target": "4.200"})
    assert response.status_code == 302
    db.session.refresh(world.plan)
    assert world.plan.target == 4200


def test_a_nul_character_anywhere_in_a_request_is_refused_before_any_query(app, client):
    """PostgreSQL cannot compare text holding NUL: it must never reach a query."""
    world = build_world()
    before = fingerprint(db.engine)
    assert client.post("/login", data={"username": "admin\x00", "password": "x"}).status_code == 400
    assert fingerprint(db.engine) == before  # not even a failed attempt is counted
    sign_in(client, world, "board")
    before = fingerprint(db.engine)
    assert client.get("/dashboards/district/643%00").status_code == 400
    assert client.get("/api/v1/progress?district=6%0043").json["status"] == 400
    assert client.get("/audit/?action=x%00").status_code == 400
    case = FORMS["plan edit"].prepare(world, 1)
    assert client.post(case.url, data={**case.data, "number": "1\x00"}).status_code == 400
    assert fingerprint(db.engine) == before


def test_stored_markup_is_shown_escaped_on_every_page_that_shows_it(app):
    """Markup accepted as text (a name, a note, a plan number) is inert on every page a
    crawl of the app reaches, the audit log and the dashboards included."""
    from .crawl import crawl

    world = build_world()
    payloads = {"enterprise edit": "name", "member edit": "full_name",
                "dossier settings": "settings-note", "milestone identified": "identified-identified_by",
                "plan edit": "number", "user edit": "full_name"}
    for number, (form_name, field_name) in enumerate(payloads.items()):
        spec = FORMS[form_name]
        client = app.test_client()
        sign_in(client, world, spec.role)
        case = spec.prepare(world, 900 + number)
        markup = LIVE_MARKUP[number % len(LIVE_MARKUP)]
        response = client.post(case.url, data={**case.data, field_name: f"Tên {markup}"})
        assert response.status_code == 302, (form_name, _messages(response.text))
    live, escaped = [], 0
    for role in ("board", "district", "admin"):
        client = app.test_client()
        sign_in(client, world, role)
        for page in crawl(client, ["/", "/audit/", "/admin/users"], limit=150):
            if page.mimetype == "text/html":  # JSON and workbooks hold text, not markup
                live += [f"{role} {page.url}: {m}" for m in LIVE_MARKUP if m in page.text]
                escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert not live, "\n".join(live)
    assert escaped > 5  # the pages did show the stored text
