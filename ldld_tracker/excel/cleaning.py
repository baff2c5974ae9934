"""One cell of an officer's workbook made into one value, or a message saying why not.

Accepted where the meaning is certain: Excel dates and dates typed as text (05/06/2020,
5/6/2020, 05-06-2020, 5/6/20), numbers stored as text, a citizen ID that lost its leading
zero because Excel held it as a number, decomposed Unicode, stray spaces, names typed in
capitals, closed-list values in any common spelling, and text typed in the old TCVN3 or
VNI fonts. Anything uncertain raises ``CellError`` with a message for the officer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl.utils.datetime import from_excel

from ..forms.fields import parse_day
from ..models import Education
from ..records.enterprises import normalise_tax_code
from ..records.people import normalise_citizen_id
from ..reference import Matcher
from ..text import clean, ref_key
from . import columns as cols
from .legacy_fonts import decode
from .safety import strip_neutralising_quote


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(raw: object) -> bool:
    """Nothing in the cell once cleaned: ``not clean(raw)``, without cleaning when the
    text has no control or invisible characters (then only spaces can be blank)."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    if raw.isprintable():
        return not raw.strip()
    return not clean(raw)


def _number_text(raw: float | int) -> str:
    """A number Excel held, as the digits a person typed (no ".0", no exponent)."""
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(_("Expected whole digits, found %(value)s.", value=raw))
        raw = int(raw)
    return str(raw)


def text(raw: object, max_length: int = 0) -> str:
    """Unicode text: NFC, old fonts converted, invisible characters and spaces cleaned."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise CellError(_("Expected text, found a true/false value."))
    if isinstance(raw, int | float):
        value = _number_text(raw) if float(raw).is_integer() else str(raw)
    elif isinstance(raw, datetime | date):
        raise CellError(_("Expected text, found a date."))
    else:
        value = str(raw)
        if value.isascii() and value.isprintable():
            # Plain ASCII: already composed, and never old-font text (``decode`` leaves
            # ASCII as it is); only its spaces and an export's quote to take off.
            value = clean(strip_neutralising_quote(value.strip()))
        else:
            value = strip_neutralising_quote(unicodedata.normalize("NFC", value).strip())
            decoded = decode(value)
            if decoded.doubtful:
                raise CellError(_(
                    "This text seems typed in an old Vietnamese font (TCVN3/.VnTime or VNI) "
                    "and cannot be converted with certainty: retype it in Unicode."))
            value = decoded.text
            if not decoded.encoding:
                # "Ð" (Icelandic eth) is often typed for the Vietnamese "Đ".
                value = value.replace("\u00d0", "Đ").replace("\u00f0", "đ")
            value = clean(value)
    if max_length and len(value) > max_length:
        raise CellError(_("Too long: at most %(n)s characters.", n=max_length))
    return value


def name(raw: object, max_length: int = 0) -> str:
    """A person's name; one typed in capitals becomes "Nguyễn Văn An"."""
    value = text(raw, max_length)
    # ``person_name(value)``: ``value`` is already clean, so only the case is left to do.
    return value.title() if value.isupper() or value.islower() else value


def day(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date serial number in a cell without a date format.
        if 1 <= raw < 2_958_466:
            value = from_excel(raw)
            if isinstance(value, datetime) and 1900 < value.year < 2100:
                return value.date()
        raise CellError(_("Not a date: %(value)s.", value=raw))
    value = parse_day(text(raw).replace(" ", ""))
    if value is None:
        raise CellError(_("Not a valid date: write it as dd/mm/yyyy, e.g. 05/06/2020."))
    return value


def integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise CellError(_("Expected a number."))
    if isinstance(raw, int | float):
        if not float(raw).is_integer():
            raise CellError(_("Expected a whole number, found %(value)s.", value=raw))
        return int(raw)
    digits = re.sub(r"[\s.,]", "", text(raw))
    if not digits.isdecimal():  # isdigit() would take "²", which int() refuses
        raise CellError(_("Expected a whole number."))
    return int(digits)


def _ascii_digits(value: str) -> bool:
    """0-9 only (other scripts' digits pass ``isdigit`` and would be stored as typed)."""
    return value.isascii() and value.isdigit()


def citizen_id(raw: object) -> str:
    """12 digits; 11 digits are one that lost its leading zero in Excel, restored."""
    if isinstance(raw, str) and len(raw) == 12 and raw.isascii() and raw.isdigit():
        return raw  # as typed: nothing to clean
    value = _number_text(raw) if isinstance(raw, int | float) else normalise_citizen_id(text(raw))
    if _ascii_digits(value) and len(value) == 11:
        value = "0" + value
    if not (_ascii_digits(value) and len(value) == 12):
        if _ascii_digits(value) and len(value) == 9:
            raise CellError(_("This is an old 9-digit identity card number: give the 12-digit "
                              "citizen ID (CCCD)."))
        raise CellError(_("A citizen ID (CCCD) has exactly 12 digits."))
    return value


def tax_code(raw: object) -> str:
    """10 or 13 digits; a number that lost its leading zero (9 or 12 digits) restored."""
    if isinstance(raw, int | float):
        value = _number_text(raw)
        if len(value) in (9, 12):
            value = "0" + value
    else:
        value = normalise_tax_code(text(raw))
    if not (_ascii_digits(value) and len(value) in (10, 13)):
        raise CellError(_("A tax code has 10 or 13 digits."))
    return value


def phone(raw: object) -> str:
    if isinstance(raw, int | float):
        value = _number_text(raw)
        return "0" + value if len(value) == 9 else value
    return text(raw, 20)


def _lookup(words: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {ref_key(word): value for value, spellings in words.items() for word in spellings}


_SEX = _lookup(cols.SEX_WORDS)
_YES_NO = _lookup(cols.YES_NO_WORDS)
_ROLES = _lookup(cols.ROLE_WORDS)
_OWNERSHIP = _lookup(cols.OWNERSHIP_WORDS)
_EDUCATION = _lookup(cols.EDUCATION_WORDS)
_FURTHER = {ref_key(w) for w in cols.FURTHER_STUDIES}
_NO_RELIGION = {ref_key(w) for w in cols.NO_RELIGION}


def _choice(table: dict[str, Any], raw: object, words: dict) -> Any:
    key = ref_key(text(raw))
    if key not in table:
        raise CellError(_("“%(value)s” is not one of: %(choices)s.", value=text(raw),
                          choices=", ".join(cols.first_words(words))))
    return table[key]


def education(raw: object) -> tuple[Education, str]:
    """General education and, for studies beyond school, the words as qualification.

    "12/12" and "9/12" (grades completed of twelve) are how many officers write it."""
    value = text(raw)
    grades = re.fullmatch(r"(\d{1,2})\s*/\s*(10|12)", value)
    if grades:
        done, of = int(grades.group(1)), int(grades.group(2))
        lower_secondary = 9 if of == 12 else 7
        if done > of:
            raise CellError(_("Not a valid education level: %(value)s.", value=value))
        level = ("upper_secondary" if done == of else
                 "lower_secondary" if done >= lower_secondary else "primary")
        return Education(level), ""
    if any(ref_key(value).startswith(word) for word in _FURTHER):
        return Education.UPPER_SECONDARY, value
    return _choice(_EDUCATION, raw, cols.EDUCATION_WORDS), ""


# What ``Cleaner.cell`` returns for an empty cell of an optional column.
BLANK = object()
# Column kinds whose cells repeat from row to row (closed lists, dates, numbers, tax
# codes): ``Cleaner.cell`` cleans each distinct cell of these once, and remembers the
# value or the message. Names, citizen IDs, phones and free text are rarely repeated.
CACHED_KINDS = frozenset({"date", "int", "tax_code", "education", "sex", "yes_no",
                          "role_category", "ownership", "unit", "zone", "ethnic_group",
                          "religion"})
# Distinct cells remembered at most (then the others are cleaned each time).
CACHE_LIMIT = 50_000


class Cleaner:
    """Parses cells by column kind; closed lists are matched with one ``Matcher``.

    One Cleaner serves one import (or one form): what it remembers (the matcher's lists,
    the cells already cleaned) is never shared with another."""

    def __init__(self) -> None:
        self.matcher = Matcher()
        self._cache: dict[tuple, tuple[Any, str | None]] = {}
        self._parsers: dict[str, Callable[[object], Any]] = {
            "date": day, "int": integer, "citizen_id": citizen_id, "tax_code": tax_code,
            "phone": phone, "education": education,
            "sex": lambda raw: _choice(_SEX, raw, cols.SEX_WORDS),
            "yes_no": lambda raw: _choice(_YES_NO, raw, cols.YES_NO_WORDS),
            "role_category": lambda raw: _choice(_ROLES, raw, cols.ROLE_WORDS),
            "ownership": lambda raw: _choice(_OWNERSHIP, raw, cols.OWNERSHIP_WORDS),
            "unit": self._unit, "zone": self._zone, "ethnic_group": self._ethnic_group,
            "religion": self._religion,
        }

    def parse(self, column: cols.ImportColumn, raw: object) -> Any:
        """The column's value, or ``None`` for an empty cell (required ones refused)."""
        value = self.cell(column, raw)
        return None if value is BLANK else value

    def cell(self, column: cols.ImportColumn, raw: object) -> Any:
        """As ``parse``, but ``BLANK`` for an empty cell of an optional column; a cell of
        a kind in ``CACHED_KINDS`` already seen gives the value (or raises the message)
        it gave the first time, without cleaning it again."""
        if raw is None:
            if column.required:
                raise CellError(_("This column is required."))
            return BLANK
        if column.kind not in CACHED_KINDS:
            return self._clean_cell(column, raw)
        key = (column.kind, column.required, raw.__class__, raw)
        try:
            value, message = self._cache[key]
        except KeyError:
            try:
                value, message = self._clean_cell(column, raw), None
            except CellError as error:
                value, message = None, error.message
            if len(self._cache) < CACHE_LIMIT:
                self._cache[key] = value, message
        except TypeError:  # not hashable: not a value openpyxl gives, but clean it anyway
            return self._clean_cell(column, raw)
        if message is not None:
            raise CellError(message)
        return value

    def _clean_cell(self, column: cols.ImportColumn, raw: object) -> Any:
        if is_blank(raw):
            if column.required:
                raise CellError(_("This column is required."))
            return BLANK
        if column.kind == "text":
            return text(raw, column.max_length)
        if column.kind == "name":
            return name(raw, column.max_length)
        return self._parsers[column.kind](raw)

    def _unit(self, raw: object):
        unit = self.matcher.unit(text(raw))
        if unit is None:
            raise CellError(_("Unknown district, town or city: “%(value)s”.", value=text(raw)))
        return unit

    def _zone(self, raw: object):
        zone = self.matcher.zone(text(raw))
        if zone is None:
            raise CellError(_("Unknown industrial zone or cluster: “%(value)s”.",
                              value=text(raw)))
        return zone

    def _ethnic_group(self, raw: object):
        group = self.matcher.ethnic_group(text(raw))
        if group is None:
            raise CellError(_("Unknown ethnic group: “%(value)s”.", value=text(raw)))
        return group

    def _religion(self, raw: object):
        if ref_key(text(raw)) in _NO_RELIGION:
            return None
        religion = self.matcher.religion(text(raw))
        if religion is None:
            raise CellError(_("Unknown religion: “%(value)s”.", value=text(raw)))
        return religion
