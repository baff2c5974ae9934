"""What an import found: counts and every problem, pointing at the exact cell.

A result is kept as JSON beside the uploaded file between the preview and the
confirmation, so its messages are stored already translated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _


@dataclass
class Problem:
    row: int | None  # the row number Excel shows; None for the file as a whole
    column: str = ""  # the column letter
    header: str = ""  # the header as written in the file
    message: str = ""
    warning: bool = False

    def text(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(col)s (%(header)s): %(message)s", row=self.row,
                     col=self.column, header=self.header, message=self.message)
        return _("Row %(row)s: %(message)s", row=self.row, message=self.message)


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    sheet: str = ""
    header_row: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({p.row for p in self.errors if p.row is not None})

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        problems = [Problem(**p) for p in data.get("problems", [])]
        return cls(**{**data, "problems": problems})
