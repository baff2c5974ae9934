"""The figures the dashboards, the API and the reports show: plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..workflow.rules import END_CODES, STAGE_CODES
from . import pace

MILESTONE_CODES: tuple[str, ...] = STAGE_CODES
CURRENT_CODES: tuple[str, ...] = STAGE_CODES + END_CODES


@dataclass(frozen=True)
class PlanInfo:
    id: int
    year: int
    number: str
    issuing_body: str
    issued_on: date
    target: int
    unit_id: int
    monthly_profile: tuple[int, ...] | None  # (a tuple: a plan is a key of kept statements)


@dataclass
class Figures:
    """The numbers of one level (the whole scope, a unit or an enterprise)."""

    target: int | None = None
    admitted_tracked: int = 0
    admitted_reported: int = 0
    introduced: int = 0
    reached: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MILESTONE_CODES, 0))
    current: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CURRENT_CODES, 0))
    people: int = 0  # union members recorded (with or without a dossier)
    reported_women: int = 0
    reported_ethnic_minority: int = 0
    # Filled by ``progress``: the target's pace on the "as of" day.
    expected: int | None = None
    behind: bool = False

    @property
    def admitted(self) -> int:
        return self.admitted_tracked + self.admitted_reported

    @property
    def share(self) -> float | None:
        """Admitted as a share of the target (None without a positive target)."""
        return self.admitted / self.target if self.target else None

    @property
    def open_dossiers(self) -> int:
        """Dossiers on the path that have not reached the end (official) nor left it."""
        return sum(n for code, n in self.current.items() if code not in END_CODES + ("official",))

    def add(self, other: Figures) -> None:
        """Add ``other``'s counts to these (targets are not added)."""
        self.admitted_tracked += other.admitted_tracked
        self.admitted_reported += other.admitted_reported
        self.introduced += other.introduced
        self.people += other.people
        self.reported_women += other.reported_women
        self.reported_ethnic_minority += other.reported_ethnic_minority
        for code in MILESTONE_CODES:
            self.reached[code] += other.reached[code]
        for code in CURRENT_CODES:
            self.current[code] += other.current[code]

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "admitted": self.admitted,
            "admitted_tracked": self.admitted_tracked,
            "admitted_reported": self.admitted_reported,
            "introduced": self.introduced,
            "reached": dict(self.reached),
            "current": dict(self.current),
        }


@dataclass
class UnitFigures(Figures):
    unit_id: int = 0
    code: str = ""
    name: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, **super().as_json()}


@dataclass
class EnterpriseFigures(Figures):
    """An enterprise's figures; ``target`` is its optional introduction target."""

    enterprise_id: int = 0
    tax_code: str = ""
    name: str = ""
    unit_id: int = 0
    union_founded_on: date | None = None
    workforce: int | None = None
    has_party_org: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"tax_code": self.tax_code, "name": self.name, **super().as_json()}


@dataclass
class Progress:
    """A plan's progress on ``as_of`` as the user may see it.

    ``districts`` are the plan's units in scope (one, when ``unit`` is set; for the whole
    territory, all of them, one page of the ``district_count``, or none when only the
    total is asked for); ``total`` is the sum of all of them (its target: the plan's own
    for a user who sees the whole province). ``enterprises`` are listed only for one unit:
    all of them, or one page of the ``enterprise_count`` in the user's scope.
    """

    plan: PlanInfo
    as_of: date
    total: Figures
    districts: list[UnitFigures]
    unit: UnitFigures | None = None
    enterprises: list[EnterpriseFigures] = field(default_factory=list)
    enterprise_count: int = 0
    district_count: int = 0  # the units in scope, when ``districts`` is one page of them

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def unit_id(self) -> int | None:
        """The id of the unit the figures are narrowed to, None for the whole scope."""
        return self.unit.unit_id if self.unit else None

    @property
    def forecast(self) -> int | None:
        return pace.forecast(self.total.admitted, self.plan.year, self.as_of)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "year": self.plan.year,
            "as_of": self.as_of.isoformat(),
            "plan": {"number": self.plan.number, "target": self.plan.target},
            "total": self.total.as_json(),
            "districts": [d.as_json() for d in self.districts],
        }
        if self.unit is not None:
            data["enterprises"] = [e.as_json() for e in self.enterprises]
        return data
