"""Hostile workbooks through the import pages: malicious files and file names, and every
corpus category in every column. Never a 500; a message; markup escaped; nothing saved
unless the whole workbook is valid, and then only clean text."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import String, func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import AuditEntry, Enterprise, Person

from ..excel.helpers import ENTERPRISE_HEADERS, PERSON_HEADERS, person_row, write
from .corpus import CORPUS, HOSTILE_FILE_NAMES, LIVE_MARKUP, hostile_workbooks, is_clean
from .snapshot import fingerprint
from .world import World, build_world, sign_in

# Typed cells a text corpus cannot express: numbers and dates Excel itself would store.
TYPED_CELLS = (-1, 10**30, 1e308, -0.5, datetime(1900, 1, 1), date(9999, 12, 31), True)


def _upload(client, data: bytes, kind: str, name: str = "danh-sach.xlsx"):
    return client.post("/imports/upload", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _pages_after_upload(client, response) -> list[tuple[str, object]]:
    """The upload's answer, the page it leads to, the status poll, the error workbook and a
    confirmation attempt: what an officer (or a script) does next."""
    pages = [("upload", response)]
    if response.status_code == 302:
        pages.append(("next page", client.get(response.headers["Location"])))
    pages.append(("status", client.get("/imports/status")))
    pages.append(("errors.xlsx", client.get("/imports/errors.xlsx")))
    confirm = client.post("/imports/confirm")
    pages.append(("confirm", confirm))
    pages.append(("after confirm", client.get(confirm.headers.get("Location", "/imports/"))))
    return pages


def _problems(label: str, pages) -> list[str]:
    problems = []
    for step, response in pages:
        if response.status_code >= 500:
            problems.append(f"{label}, {step}: {response.status_code}")
        if response.mimetype == "text/html":
            text = response.get_data(as_text=True)
            problems += [f"{label}, {step}: live {m!r}" for m in LIVE_MARKUP if m in text]
    return problems


def _shows_a_refusal(pages) -> bool:
    return any(response.mimetype == "text/html" and "alert-danger" in response.get_data(as_text=True)
               for _step, response in pages)


@pytest.mark.parametrize("kind", ["dossiers", "enterprises"])
def test_malicious_workbooks_are_refused_with_a_message_and_change_nothing(app, client, kind):
    world = build_world()
    sign_in(client, world, "district")
    before = fingerprint(db.engine)
    problems = []
    for name, data in hostile_workbooks().items():
        pages = _pages_after_upload(client, _upload(client, data, kind))
        problems += _problems(name, pages)
        if not _shows_a_refusal(pages):
            problems.append(f"{name}: no message")
        client.post("/imports/discard")
    assert not problems, "\n".join(problems)
    assert fingerprint(db.engine) == before


def test_hostile_file_names_are_shown_escaped_and_never_used_as_paths(app, client, tmp_path):
    world = build_world()
    sign_in(client, world, "district")
    folder = app.config["IMPORT_UPLOAD_FOLDER"]
    valid = write(tmp_path / "ok.xlsx", [PERSON_HEADERS, person_row(
        "066190009999", world.inside.enterprise.tax_code)]).read_bytes()
    problems = []
    for name in HOSTILE_FILE_NAMES:
        problems += _problems(name[:30], _pages_after_upload(client, _upload(client, valid,
                                                                           "dossiers", name)))
        client.post("/imports/discard")
    assert not problems, "\n".join(problems)
    import os

    stored = [os.path.relpath(os.path.join(root, f), folder) for root, _d, files in os.walk(folder)
              for f in files]
    assert all("/" not in path and "passwd" not in path for path in stored), stored


def _cells() -> list[tuple[str, object]]:
    """Every text of the corpus that a workbook can hold (openpyxl, like Excel, has no
    cells with control characters other than tab and line breaks), and typed cells."""
    texts = [(category, value[:32767]) for category, values in CORPUS.items() for value in values
             if not ILLEGAL_CHARACTERS_RE.search(value)]
    return texts + [("typed cell", value) for value in TYPED_CELLS]


def _spoiled_rows(valid_row, first_id: int, id_column: int | None, fresh) -> list[list]:
    """One row per (column, corpus value), the rest of the row valid and unique."""
    rows = []
    number = first_id
    for column in range(len(valid_row)):
        for _category, value in _cells():
            row = list(valid_row)
            if id_column is not None:
                row[id_column] = fresh(number)
            number += 1
            row[column] = value
            rows.append(row)
    return rows


def _import(client, path, kind: str):
    """Upload, preview and try to confirm; the pages seen."""
    return _pages_after_upload(client, _upload(client, path.read_bytes(), kind))


@pytest.mark.parametrize("kind", ["dossiers", "enterprises"])
def test_every_corpus_value_in_every_column_is_refused_together_and_saves_nothing(
        app, client, tmp_path, kind):
    world = build_world()
    sign_in(client, world, "district")
    if kind == "dossiers":
        headers, valid = PERSON_HEADERS, person_row("066190100000", world.inside.enterprise.tax_code)
        rows = _spoiled_rows(valid, 1, 4, lambda n: f"066{190_100_000 + n:09d}")
    else:
        headers = ENTERPRISE_HEADERS
        valid = ["Công ty Nhập Thử", "6430000000", "Thành phố Buôn Ma Thuột", "Tư nhân", 50,
                 "02/03/2015"]
        rows = _spoiled_rows(valid, 1, 1, lambda n: f"{6430000000 + n}")
    path = write(tmp_path / "hostile.xlsx", [headers, *rows])
    before = fingerprint(db.engine)
    audited = db.session.scalar(select(func.max(AuditEntry.id)))
    pages = _import(client, path, kind)
    assert not _problems("hostile cells", pages)
    assert _shows_a_refusal(pages)
    after = fingerprint(db.engine)
    assert {t: v for t, v in after.items() if t != "audit_entry"} == \
        {t: v for t, v in before.items() if t != "audit_entry"}
    # Only the download of the error workbook is recorded (an export of personal data).
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.id > audited)).all() == ["export"]


def _person_with(world: World, name: str, number: int) -> list:
    return person_row(f"066{190_200_000 + number:09d}", world.inside.enterprise.tax_code, name=name)


def test_harmless_but_odd_text_is_imported_clean_and_shown_escaped(app, client, tmp_path):
    world = build_world()
    sign_in(client, world, "district")
    names = [*CORPUS["invisible and direction marks"], *CORPUS["decomposed unicode"],
             *CORPUS["sql-looking"], *CORPUS["html-looking"]]
    path = write(tmp_path / "odd.xlsx", [PERSON_HEADERS, *[_person_with(world, name, i)
                                                          for i, name in enumerate(names)]])
    pages = _import(client, path, "dossiers")
    assert not _problems("odd text", pages)
    imported = db.session.scalars(select(Person).where(
        Person.citizen_id.like("0661902%"))).all()
    assert len(imported) == len(names), pages[1][1].get_data(as_text=True)[-3000:]
    for person in imported:
        for column in Person.__table__.columns:
            value = getattr(person, column.key)
            if isinstance(column.type, String) and isinstance(value, str):
                assert is_clean(value), (column.key, value)
    listing = client.get("/members/").get_data(as_text=True)
    assert not [m for m in LIVE_MARKUP if m in listing]
    assert db.session.scalar(select(Enterprise).where(Enterprise.id == world.inside.enterprise.id))


def test_a_number_cell_holding_a_digit_int_cannot_read_is_a_cell_error_not_a_crash(
        app, client, tmp_path):
    world = build_world()
    sign_in(client, world, "district")
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS, [
        "Công ty Nhập Thử", "6430000000", "Thành phố Buôn Ma Thuột", "Tư nhân", "²", None]])
    _upload(client, path.read_bytes(), "enterprises")
    page = client.get("/imports/preview").get_data(as_text=True)
    assert "Expected a whole number." in page
    assert "stopped unexpectedly" not in page
