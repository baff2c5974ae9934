"""What is due and what is stuck, on the "as of" day: ceremonies, probations ending,
certificates about to expire, overdue admission decisions (``workflow.alerts``), dossiers
waiting longer than usual at one stage, and the median time spent at each stage by unit.

One query fetches the dates of every dossier in scope; deadlines are working-day
arithmetic (``workflow.calendar``), so they are worked out here rather than in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from statistics import median
from types import SimpleNamespace

from ..extensions import db
from ..models import Dossier, Enterprise, Person, Unit
from ..workflow import alerts, counting
from ..workflow.calendar import add_months, add_working_days
from ..workflow.rules import MILESTONE_BY_CODE, MILESTONES, rule_values
from .figures import Progress
from .scope import people_base

LIST_LIMIT = 200
# A dossier is "stuck" when it has waited more than this many times the usual (median)
# time at its stage, and at least MIN_STUCK_DAYS; the median needs MIN_SAMPLES moves.
STUCK_FACTOR = 2
MIN_STUCK_DAYS = 30
MIN_SAMPLES = 3
SOON_DAYS = 30

DATE_FIELDS = tuple(m.date_field for m in MILESTONES)
# Stages a dossier can wait at (the last one, official member, is the end of the path).
WAITING_STAGES = tuple(m.code for m in MILESTONES[:-1])


@dataclass
class Item:
    dossier_id: int
    person: str
    enterprise: str
    unit: str
    stage: str
    since: date | None
    due: date | None
    overdue: bool
    days: int = 0  # days waited at the stage (stuck list)


@dataclass
class ItemList:
    key: str
    items: list[Item] = field(default_factory=list)
    total: int = 0

    def add(self, item: Item) -> None:
        self.total += 1
        if len(self.items) < LIST_LIMIT:
            self.items.append(item)


@dataclass
class Due:
    lists: dict[str, ItemList]
    # unit name -> stage code -> median days; "" is every unit together
    medians: dict[str, dict[str, float]]
    samples: dict[str, int]
    limit: int = LIST_LIMIT


def _snapshot(row, as_of: date) -> SimpleNamespace:
    """The dossier as it stood on ``as_of``: later dates and ends are not known yet."""
    values = {name: (getattr(row, name) if getattr(row, name) and getattr(row, name) <= as_of
                     else None) for name in DATE_FIELDS}
    ended = row.end_kind is not None and row.ended_on <= as_of
    return SimpleNamespace(**values, end_kind=row.end_kind if ended else None,
                           ended_on=row.ended_on if ended else None,
                           cell_is_grassroots=row.cell_is_grassroots)


def _moves(snap: SimpleNamespace) -> list[tuple[str, int]]:
    """(stage, days spent there) for each step to the next recorded milestone."""
    recorded = [(m.code, getattr(snap, m.date_field)) for m in MILESTONES
                if getattr(snap, m.date_field) is not None]
    return [(code, (nxt - on).days) for (code, on), (_c, nxt) in pairwise(recorded) if nxt >= on]


def _rows(user, progress: Progress):
    plan = progress.plan
    unit_id = progress.unit.unit_id if progress.unit else None
    stmt = people_base(user, plan, unit_id).join(Dossier, Dossier.person_id == Person.id) \
        .add_columns(Dossier.id, Person.full_name, Enterprise.name.label("enterprise"),
                     Unit.name.label("unit"), Dossier.end_kind, Dossier.ended_on,
                     Dossier.cell_is_grassroots,
                     *[getattr(Dossier, name) for name in DATE_FIELDS]) \
        .order_by(Unit.code, Enterprise.sort_name, Person.sort_name)
    return db.session.execute(stmt)


def due_and_stuck(user, progress: Progress) -> Due:
    """The due, overdue and stuck lists of ``progress``'s scope on its "as of" day. One
    query."""
    as_of, rules = progress.as_of, rule_values()
    lists = {key: ItemList(key) for key in
             ("ceremony", "recognition", "certificate", "decision", "stuck")}
    open_rows: list[tuple[object, SimpleNamespace, str]] = []
    moves: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(user, progress):
        snap = _snapshot(row, as_of)
        for code, days in _moves(snap):
            moves[row.unit][code].append(days)
            moves[""][code].append(days)
        stage = counting.stage_of(snap)  # type: ignore[arg-type]
        if stage not in WAITING_STAGES:
            continue
        open_rows.append((row, snap, stage))
        _deadlines(row, snap, stage, as_of, rules, lists)

    medians = {unit: {code: median(days) for code, days in by_stage.items()}
               for unit, by_stage in moves.items()}
    samples = {code: len(days) for code, days in moves[""].items()}
    for row, snap, stage in open_rows:
        usual = medians[""].get(stage)
        if usual is None or samples.get(stage, 0) < MIN_SAMPLES:
            continue
        since = getattr(snap, MILESTONE_BY_CODE[stage].date_field)
        waited = (as_of - since).days
        if waited > max(STUCK_FACTOR * usual, MIN_STUCK_DAYS):
            item = _item(row, stage, since, None, True)
            item.days = waited
            lists["stuck"].add(item)
    return Due(lists, medians, samples)


def _item(row, stage: str, since: date | None, due: date | None, overdue: bool) -> Item:
    return Item(row.id, row.full_name, row.enterprise, row.unit, stage, since, due, overdue)


def _deadlines(row, snap: SimpleNamespace, stage: str, as_of: date, rules, lists) -> None:
    """Add the dossier to the lists its deadlines put it on (``workflow.alerts`` for what is
    late or close; the coming ceremony and end of probation worked out here)."""
    found = {a.code: a for a in alerts.dossier_alerts(snap, as_of, rules)}  # type: ignore[arg-type]
    for code, key in (("ceremony_overdue", "ceremony"), ("recognition_due", "recognition"),
                      ("recognition_overdue", "recognition"), ("certificate_expired", "certificate"),
                      ("certificate_expiring", "certificate"), ("decision_overdue", "decision")):
        alert = found.get(code)
        if alert is not None:
            since = {"ceremony": snap.admitted_on, "recognition": snap.sworn_in_on,
                     "certificate": snap.trained_on, "decision": snap.cell_resolved_on}[key]
            lists[key].add(_item(row, stage, since, alert.due, alert.overdue))
    if snap.admitted_on and not snap.sworn_in_on and "ceremony_overdue" not in found:
        due = add_working_days(snap.admitted_on, rules.ceremony_working_days)
        lists["ceremony"].add(_item(row, stage, snap.admitted_on, due, False))
    if snap.sworn_in_on and not found.keys() & {"recognition_due", "recognition_overdue"}:
        ends = add_months(snap.sworn_in_on, rules.probation_months)
        if (ends - as_of).days <= SOON_DAYS:
            lists["recognition"].add(_item(row, stage, snap.sworn_in_on, ends, False))
