"""``flask import enterprises|dossiers FILE --user NAME [--dry-run]``: exit 0 only when
everything was written (or would be), the problems printed otherwise."""

from __future__ import annotations

from sqlalchemy import func, select

from ldld_tracker.extensions import db
from ldld_tracker.models import Enterprise, Person, Role

from .. import factories
from .helpers import ENTERPRISE_HEADERS, PERSON_HEADERS, person_row, write


def _officer():
    user = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"), username="can.bo")
    db.session.commit()
    return user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_writes_everything_and_exits_zero(runner, tmp_path):
    _officer()
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS,
                                         ["Công ty A", "6000333444", "TP. BMT", "Tư nhân", 5, None]])
    result = runner.invoke(args=["import", "enterprises", str(path), "--user", "can.bo"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and _count(Enterprise) == 1


def test_dry_run_writes_nothing_and_exits_zero_without_errors(runner, tmp_path):
    _officer()
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS,
                                         ["Công ty A", "6000333444", "TP. BMT", "Tư nhân", 5, None]])
    result = runner.invoke(args=["import", "enterprises", str(path), "--user", "can.bo", "--dry-run"])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert _count(Enterprise) == 0


def test_any_error_prints_the_problems_writes_nothing_and_exits_non_zero(runner, tmp_path):
    _officer()
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [PERSON_HEADERS, person_row("066190001234", "6000111222"),
                                         person_row("0661900", "6000111222", name="Lê Văn B")])
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=["import", "dossiers", str(path), "--user", "can.bo",
                                     "--locale", "en", *extra])
        assert result.exit_code == 1
        assert "Row 3, column E (Số CCCD)" in result.output
        assert "Nothing was written" in result.output
    assert _count(Person) == 0


def test_the_acting_user_is_required_and_must_exist(runner, tmp_path):
    path = write(tmp_path / "dn.xlsx", [ENTERPRISE_HEADERS])
    assert runner.invoke(args=["import", "enterprises", str(path)]).exit_code == 2
    result = runner.invoke(args=["import", "enterprises", str(path), "--user", "nobody"])
    assert result.exit_code == 1 and "nobody" in result.output


def test_a_broken_file_exits_non_zero(runner, tmp_path):
    _officer()
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = runner.invoke(args=["import", "dossiers", str(path), "--user", "can.bo"])
    assert result.exit_code == 1 and ".xls" in result.output
