"""What one dossier or member adds to the summary rows, computed from its values alone.

A dossier adds, for each milestone it has reached, ``("r", code, date)``; and for each day
it changes stage (``counting.stage_moves``) ``("s", entered, day)`` +1 and ``("s", left,
day)`` -1. Its stage on any day is then the sum of its ``s`` rows up to that day. For the
breakdowns, its admission and its introduction also add ``("b", "admitted:women", date)``
and the like: one row per trait of the person and the enterprise (``PROFILE_FIELDS``),
and the person's age in full years on that date (``admitted:age:27``), so "young" is
decided when reading, by the rule value then in force. For the medians of the time spent at
each stage, each move from a milestone to the next one recorded adds ``("w",
"identified:0000012", day)`` on the day of the later milestone (``waits``). For the due
lists, a dossier still open (neither ended nor official) adds ``("o", stage, day)`` for the
stage it is at, on the day it reached it, and the day each deadline it waits for runs from
(``open_rows``). A change to a dossier removes what its old values added and adds what its
new values add.

Each row is kept per day, month and year; the stage moves and the open dossiers are also
kept summed over all time (grain ``a``), so the number at each stage today is one row per
unit and stage. A unit's milestones, stage moves, breakdowns and waits are also summed at
its parent (``BELOW``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

from ..workflow import counting
from ..workflow.rules import MILESTONE_BY_CODE, MILESTONES
from .periods import ALL, ALL_TIME, DAY, MONTH, YEAR

REACHED, STAGE, TRAIT, WAIT = "r", "s", "b", "w"
# The enterprises with a union, with a party organisation, with somebody identified in a
# year, and with both, each from the day it counts (``enterprise_events``).
COVERAGE = "c"
UNION, PARTY = "union", "party"
# The dossiers open now, by stage and day reached (``open_rows``), and by the day the
# deadlines they wait for run from: the training certificate (``CERTIFICATE``, from the
# course) and the admission decision (``DECISION``, from the cell's resolution).
OPEN = "o"
CERTIFICATE, DECISION = "certificate", "decision"
# Each unit's rows of these kinds are also summed at its parent, under the kind given
# here (its own rows of the first kind are its own): every district together is one
# unit's rows (``upkeep.below``), so the whole territory's figures and medians are a few
# rows of the plan's unit, whatever the number of units.
REACHED_BELOW, STAGE_BELOW, TRAIT_BELOW, WAITS_BELOW = "R", "S", "B", "v"
BELOW = {REACHED: REACHED_BELOW, STAGE: STAGE_BELOW, TRAIT: TRAIT_BELOW, WAIT: WAITS_BELOW}
BELOW_KINDS = frozenset(BELOW.values())
# Kinds kept summed over all time too.
ALL_TIME_KINDS = (STAGE, OPEN, STAGE_BELOW, COVERAGE)
# Days waited, zero-padded in a wait's code so that one stage's codes sort by days (the
# dates of 0001 to 9999 are less than ten million days apart).
WAIT_DIGITS = 7
# The dossier values its contribution depends on.
DOSSIER_FIELDS: tuple[str, ...] = tuple(m.date_field for m in MILESTONES) + ("end_kind", "ended_on")
# ... and the person's and the enterprise's, for the breakdowns.
PROFILE_FIELDS: tuple[str, ...] = ("sex", "minority", "religion_id", "birth_date", "role_category",
                                   "ownership", "zone_id")
# The milestones broken down by trait.
BROKEN_DOWN = ("admitted", "introduced")
NO_ZONE = "none"

Key = tuple[int, str, str, str, date]  # unit, kind, code, grain, period start


def snapshot(values: dict[str, object]) -> SimpleNamespace:
    """An object with a dossier's ``DOSSIER_FIELDS`` (what ``stage_of`` reads) and its
    person's and enterprise's ``PROFILE_FIELDS``."""
    return SimpleNamespace(**{name: values.get(name) for name in DOSSIER_FIELDS + PROFILE_FIELDS})


def age_on(birth: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def traits(dossier: object, day: date) -> list[str]:
    """The breakdown codes (without the milestone) of a dossier's person on ``day``."""
    codes = [f"role:{_value(dossier.role_category)}", f"ownership:{_value(dossier.ownership)}",
             f"zone:{dossier.zone_id if dossier.zone_id is not None else NO_ZONE}"]
    if _value(dossier.sex) == "female":
        codes.append("women")
    if dossier.minority:
        codes.append("minority")
    if dossier.religion_id is not None:
        codes.append("believer")
    if dossier.birth_date is not None:
        codes.append(f"age:{age_on(dossier.birth_date, day)}")
    return codes


def _value(member: object) -> object:
    return getattr(member, "value", member)


def wait_code(stage: str, days: int) -> str:
    """The code of ``days`` spent at ``stage`` (``identified:0000012``)."""
    return f"{stage}:{days:0{WAIT_DIGITS}d}"


def parse_wait_code(code: str) -> tuple[str, int]:
    """``(stage, days)`` of a wait's code: ``wait_code`` undone."""
    stage, _, days = code.rpartition(":")
    return stage, int(days)


def waits(dossier: object) -> list[tuple[str, date, int]]:
    """``(stage, day, days)`` of each move of a dossier: from a milestone to the next one
    recorded in path order (later milestones can be recorded without the ones between),
    dated on the day of that next one; the days are those between the two dates. A move
    whose next date is earlier than its own (dates out of order) is left out."""
    dates = [getattr(dossier, m.date_field) for m in MILESTONES]
    found = []
    following = None
    for index in range(len(MILESTONES) - 2, -1, -1):
        if dates[index + 1] is not None:
            following = dates[index + 1]
        start = dates[index]
        if start is not None and following is not None and following >= start:
            found.append((MILESTONES[index].code, following, (following - start).days))
    return found


def open_rows(dossier: object) -> list[tuple[str, date]]:
    """``(code, day)`` of a dossier still open (neither ended nor an official member):
    its stage (its furthest milestone) on the day it reached it; the day of its course
    while it waits for the cell's resolution (``CERTIFICATE``); the day of the cell's
    resolution while it waits for the admission decision (``DECISION``). Each only
    before the admission and the oath, as the due lists have them (``dashboards.due``).
    Nothing once the dossier is closed."""
    if dossier.ended_on is not None or dossier.official_on is not None:
        return []
    found = []
    for milestone in reversed(MILESTONES[:-1]):
        on = getattr(dossier, milestone.date_field)
        if on is not None:
            found.append((milestone.code, on))
            break
    if dossier.admitted_on is None and dossier.sworn_in_on is None:
        if dossier.cell_resolved_on is not None:
            found.append((DECISION, dossier.cell_resolved_on))
        elif dossier.trained_on is not None:
            found.append((CERTIFICATE, dossier.trained_on))
    return found


def dossier_events(dossier: object) -> list[tuple[str, str, date, int]]:
    """``(kind, code, day, count)`` for one dossier (anything with ``DOSSIER_FIELDS``)."""
    events = [(REACHED, m.code, on, 1) for m in MILESTONES
              if (on := getattr(dossier, m.date_field)) is not None]
    for code in BROKEN_DOWN:
        on = getattr(dossier, MILESTONE_BY_CODE[code].date_field)
        if on is not None:
            events += [(TRAIT, f"{code}:{trait}", on, 1) for trait in traits(dossier, on)]
    events += [(WAIT, wait_code(stage, days), day, 1) for stage, day, days in waits(dossier)]
    for day, left, entered in counting.stage_moves(dossier):
        if left != counting.NO_STAGE:
            events.append((STAGE, left, day, -1))
        events.append((STAGE, entered, day, 1))
    events += [(OPEN, code, day, 1) for code, day in open_rows(dossier)]
    return events


def identified_code(year: int) -> str:
    """Coverage's code of the enterprises with a union and somebody identified in ``year``."""
    return f"identified:{year}"


def both_code(year: int) -> str:
    """... and a party organisation too."""
    return f"both:{year}"


def enterprise_events(union_on: date | None, has_party_org: bool, party_org_since: date | None,
                      firsts: dict[int, date]) -> list[tuple[str, str, date, int]]:
    """``(kind, code, day, count)`` of one enterprise for coverage: its union's founding
    day, whether and since when it has a party organisation (no day: always had one), and
    the first day somebody was identified there in each year (``firsts``). Nothing
    without a union."""
    if union_on is None:
        return []
    found = [(COVERAGE, UNION, union_on, 1)]
    party_on = max(union_on, party_org_since or union_on) if has_party_org else None
    if party_on is not None:
        found.append((COVERAGE, PARTY, party_on, 1))
    for year, first in sorted(firsts.items()):
        found.append((COVERAGE, identified_code(year), max(union_on, first), 1))
        if party_on is not None:
            found.append((COVERAGE, both_code(year), max(party_on, first), 1))
    return found


def add_dossier(totals: Counter, unit_id: int, dossier: object, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) one dossier's rows of ``unit_id`` in ``totals``."""
    add(totals, unit_id, dossier_events(dossier), sign)


def add(totals: Counter, unit_id: int, found: list[tuple[str, str, date, int]], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) the rows of ``found`` (``(kind, code, day,
    count)``: one dossier's or enterprise's) at every grain, as ``unit_id``'s."""
    for kind, code, day, count in found:
        count *= sign
        totals[(unit_id, kind, code, DAY, day)] += count
        totals[(unit_id, kind, code, MONTH, date(day.year, day.month, 1))] += count
        totals[(unit_id, kind, code, YEAR, date(day.year, 1, 1))] += count
        if kind in ALL_TIME_KINDS:
            totals[(unit_id, kind, code, ALL, ALL_TIME)] += count
