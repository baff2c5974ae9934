"""The import's quick paths give exactly what the full cleaning gives: text without
control characters skips the slow clean-up, ASCII skips the old-font detection, repeated
cells are cleaned once per import; old-font text is still found and converted."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime

import pytest

from ldld_tracker.excel import cleaning
from ldld_tracker.excel.cleaning import BLANK, CellError, Cleaner
from ldld_tracker.excel.columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS
from ldld_tracker.excel.importer import run_import
from ldld_tracker.excel.legacy_fonts import _cp1252_only, decode
from ldld_tracker.excel.safety import strip_neutralising_quote
from ldld_tracker.extensions import db
from ldld_tracker.models import Role
from ldld_tracker.text import clean, person_name

from .. import factories
from .helpers import INTRODUCED, PATH_HEADERS, PERSON_HEADERS, person_row, write

COLUMNS = {c.key: c for c in (*ENTERPRISE_COLUMNS, *DOSSIER_COLUMNS)}
# Pieces of real cells: ASCII, Vietnamese in Unicode (composed and not), TCVN3 and VNI
# codes, invisible and control characters, odd spaces, an export's quote.
PIECES = ["Nguyễn", "Văn", "Đạt", "Hòa", "Lê", "Tú", "Võ", "Hà", "An", "CN-01", "12/NQ-CĐCS",
          "NguyÔn", "V¨n", "§¹t", "Bu«n", "Thuét", "Nguyeãn", "Vaên", "Ñaït", "Müller",
          "Ðỗ", "o\u0302\u0301", "'", "=", "\u200b", "\u00ad", "\ufeff", "\u00a0", "\t", "\n",
          " ", "  ", "\x07", "é", "Ü", "ß", "x"]


def _strings(count: int, seed: int = 6) -> list[str]:
    generator = random.Random(seed)
    return ["".join(generator.choice(PIECES) for _ in range(generator.randint(0, 6)))
            for _ in range(count)]


def _full_text(raw: str) -> str:
    """``cleaning.text`` of a string as it was before the quick paths."""
    value = strip_neutralising_quote(unicodedata.normalize("NFC", raw).strip())
    decoded = decode(value)
    if decoded.doubtful:
        raise CellError("doubtful")
    value = decoded.text
    if not decoded.encoding:
        value = value.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    return clean(value)


def test_blank_cells_are_found_as_the_full_clean_up_finds_them():
    for raw in [*_strings(3000), "", " ", "\u00a0", "\u200b \ufeff", "\t\n", "\x07", "a"]:
        assert cleaning.is_blank(raw) == (not clean(raw)), repr(raw)


def test_text_and_names_are_what_the_full_clean_up_gives():
    for raw in _strings(3000):
        try:
            expected = _full_text(raw)
        except CellError:
            with pytest.raises(CellError):
                cleaning.text(raw)
            continue
        assert cleaning.text(raw) == expected, repr(raw)
        assert cleaning.name(raw) == person_name(expected), repr(raw)


def test_the_windows_1252_check_agrees_with_the_codec():
    def encodes(ch: str) -> bool:
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    assert [c for c in range(0x110000) if _cp1252_only(chr(c)) != encodes(chr(c))] == []


@pytest.mark.parametrize("legacy,unicode_text", [
    ("NguyÔn V¨n §¹t", "Nguyễn Văn Đạt"),  # TCVN3
    ("Tr\u00adêng ThÞ Hoµ", "Trường Thị Hoà"),
    ("Nguyeãn Vaên Ñaït", "Nguyễn Văn Đạt"),  # VNI
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
])
def test_old_font_text_is_still_converted(legacy, unicode_text):
    assert cleaning.text(legacy) == unicode_text
    assert cleaning.text(f"  {legacy}  ") == unicode_text


def test_old_font_text_in_repeated_cells_is_converted_every_time(app):
    cleaner = Cleaner()
    for _ in range(3):
        assert cleaner.cell(COLUMNS["ethnic_group"], "£ §ª").name == "Ê-đê"
        assert cleaner.cell(COLUMNS["unit"], "Bu«n Ma Thuét").code == "643"
        assert cleaner.cell(COLUMNS["full_name"], "NGUYEÃN THÒ BÌNH") == "Nguyễn Thị Bình"
        with pytest.raises(CellError) as error:
            cleaner.cell(COLUMNS["party_cell"], "Công ty Müller")
        assert "TCVN3" in error.value.message


def test_a_repeated_bad_cell_is_refused_every_time(app):
    cleaner = Cleaner()
    messages = []
    for _ in range(3):
        with pytest.raises(CellError) as error:
            cleaner.cell(COLUMNS["applied_on"], "31/02/2020")
        messages.append(error.value.message)
    assert len(messages) == 3 and len(set(messages)) == 1


def test_remembered_cells_keep_their_type_and_column(app):
    cleaner = Cleaner()
    assert cleaner.cell(COLUMNS["youth_union_member"], 1) is True
    with pytest.raises(CellError):  # True is not 1 here: a true/false cell is refused
        cleaner.cell(COLUMNS["youth_union_member"], True)
    assert cleaner.cell(COLUMNS["cell_votes_for"], 7) == 7
    assert cleaner.cell(COLUMNS["cell_votes_for"], 7.0) == 7
    assert cleaner.cell(COLUMNS["identified_on"], datetime(2020, 1, 2)) == date(2020, 1, 2)
    assert cleaner.cell(COLUMNS["identified_on"], " ") is BLANK  # optional
    with pytest.raises(CellError):
        cleaner.cell(COLUMNS["birth_date"], " ")  # the same cell, in a required column


def test_each_cleaner_remembers_only_its_own_cells(app):
    first, second = Cleaner(), Cleaner()
    first.cell(COLUMNS["sex"], "Nữ")
    assert second._cache == {} and first._cache


def test_what_one_import_looked_up_is_not_used_by_the_next(app, tmp_path):
    """The enterprise a first officer's import found is not found for a second officer,
    of another district, importing the same tax code: each import looks it up itself."""
    first = factories.user(Role.DISTRICT, unit_obj=factories.unit("643"))
    second = factories.user(Role.DISTRICT, unit_obj=factories.unit("644"))
    factories.enterprise("643", tax_code="6000111222")
    db.session.commit()
    path = write(tmp_path / "hs.xlsx", [PERSON_HEADERS + PATH_HEADERS,
                                        person_row("001090000001", "6000111222") + INTRODUCED])

    assert run_import("dossiers", path, first).ok
    refused = run_import("dossiers", path, second)
    assert [(p.row, p.column) for p in refused.errors] == [(2, "F")]
    assert "6000111222" in refused.errors[0].message
    assert run_import("dossiers", path, first).ok
