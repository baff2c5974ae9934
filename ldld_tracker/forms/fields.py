"""Form fields that speak the officers' conventions: dd/mm/yyyy dates, trimmed text."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError
from wtforms.widgets import TextInput

from .. import clock
from ..text import clean

_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")


def parse_day(text: str) -> date | None:
    """Parse "05/06/2020", "5/6/2020", "05-06-2020", "5/6/20" (day first) or ISO dates.

    Returns ``None`` for text that is not a real date (31/02/2020 included)."""
    text = (text or "").strip()
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if year <= date.today().year % 100 else 1900
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


class DayField(StringField):
    """A date typed as dd/mm/yyyy (with a date picker's ISO value also accepted)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                        "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [text]
        if not text:
            self.data = None
            return
        self.data = parse_day(text)
        if self.data is None:
            raise ValueError(_l("Not a valid date: write it as dd/mm/yyyy, e.g. 05/06/2020."))


class CleanStringField(StringField):
    """Text with invisible characters removed and white space collapsed."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = clean(self.data) if self.data is not None else None


def not_in_future(form, field) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("This date is in the future."))
