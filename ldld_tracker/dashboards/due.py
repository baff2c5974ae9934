"""What is due and what is stuck, on the "as of" day: ceremonies, probations ending,
certificates about to expire, overdue admission decisions (``workflow.alerts``), dossiers
waiting longer than usual at one stage, and the median time spent at each stage, for
every unit together and for a page of units.

For a user who sees whole units, the area's units first (``due_units.area_units``); the
medians (``durations``: at most two more small queries over the summaries); each unit's
number on each list from the kept rows of the open dossiers (``due_units``), from which
the units holding each list's first ``LIST_LIMIT`` entries are found; then one query over
the open dossiers of those units (of every unit in scope for an enterprise officer, or a
day with later changes) that picks the dossiers on each list in SQL and returns only the
first ``LIST_LIMIT`` of each, with the list's total in those units (the other units'
numbers are added). That statement is built once per scope (``_lists_statement``); the
day, the cut-offs, the limit and the units read are its parameters.

Deadlines are working-day arithmetic (``workflow.calendar``): they are turned into
cut-off dates here (the last day a step could be dated and still be on the list), so SQL
compares dates only, and the due dates of the rows shown are worked out with the
deadlines of ``workflow.alerts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from .. import access
from ..extensions import db
from ..models import Dossier, Enterprise, Person, Unit
from ..tally.events import CERTIFICATE, DECISION
from ..workflow import counting
from ..workflow.calendar import add_months, add_working_days
from ..workflow.rules import MILESTONE_BY_CODE, MILESTONES, RuleValues, rule_values
from .due_units import Read, area_units, unit_lists, units_to_read
from .durations import UNITS_PER_PAGE, WAITING_STAGES, median_days
from .figures import PlanInfo, Progress
from .scope import dossiers_base, flag

__all__ = ["LIST_LIMIT", "PAGE_LIMIT", "UNITS_PER_PAGE", "WAITING_STAGES", "Due", "Item", "ItemList",
           "due_and_stuck"]

LIST_LIMIT = 200
# On the page: the first rows of each list (the download has the first LIST_LIMIT).
PAGE_LIMIT = 50
# A dossier is "stuck" when it has waited more than this many times the usual (median)
# time at its stage, and at least MIN_STUCK_DAYS; the median needs MIN_SAMPLES moves.
STUCK_FACTOR = 2
MIN_STUCK_DAYS = 30
MIN_SAMPLES = 3
SOON_DAYS = 30

DATE_FIELDS = tuple(m.date_field for m in MILESTONES)
DEADLINE_LISTS = ("ceremony", "recognition", "certificate", "decision")


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


@dataclass
class Due:
    lists: dict[str, ItemList]
    # unit name -> stage code -> median days: "" (every unit together) first, then a page
    # of units in code order (``durations.Medians``)
    medians: dict[str, dict[str, float]]
    samples: dict[str, int]
    limit: int = LIST_LIMIT
    units_total: int = 0  # units in the area (the medians' page links)


def _last_day(holds: Callable[[date], bool], guess: date) -> date:
    """The last day for which ``holds`` is true, ``holds`` being true up to some day and
    false after it (deadlines only move forward as the start date does)."""
    day = guess
    if holds(day):
        while holds(day + timedelta(days=1)):
            day += timedelta(days=1)
        return day
    while not holds(day):
        day -= timedelta(days=1)
    return day


def _recorded(column, as_of: date) -> ColumnElement[bool]:
    return column <= as_of


def _missing(column, as_of: date) -> ColumnElement[bool]:
    return or_(column.is_(None), column > as_of)


@dataclass(frozen=True)
class DeadlineCutOffs:
    """The last day a step can be dated and its dossier still be on each deadline list."""

    sworn_in: date  # recognition: the probation ends within SOON_DAYS
    trained: date  # certificate: it expires within the warning days
    cell_resolved: date  # decision: the working days for it have run out


@lru_cache(maxsize=64)
def _deadline_cut_offs(as_of: date, rules: RuleValues) -> DeadlineCutOffs:
    """(Worked out once per day and rules: finding them walks the working-day calendar.)"""
    soon = as_of + timedelta(days=SOON_DAYS)
    warn = as_of + timedelta(days=rules.certificate_warning_days)
    return DeadlineCutOffs(
        _last_day(lambda d: add_months(d, rules.probation_months) <= soon,
                  add_months(soon, -rules.probation_months)),
        _last_day(lambda d: add_months(d, rules.certificate_valid_months) <= warn,
                  add_months(warn, -rules.certificate_valid_months)),
        _last_day(lambda d: add_working_days(d, rules.admission_working_days) < as_of,
                  as_of - timedelta(days=rules.admission_working_days * 7 // 5)))


# The lists' statement is built once per scope (``_lists_statement``: building it took a
# sixth of the province's page); the day, the cut-offs, the limit and the units read are
# bound on each execution (``_rows``).
AS_OF = bindparam("as_of", type_=Date)
LIMIT = bindparam("limit", type_=Integer)
UNITS = bindparam("units", expanding=True)
CUT_OFF = {name: bindparam(name, type_=Date) for name in ("sworn_in", "trained", "cell_resolved")}
# (per waiting stage; NULL when the stage has too few moves for a usual time: none stuck)
STUCK_CUT_OFF = {code: bindparam(f"stuck_{code}", type_=Date) for code in WAITING_STAGES}


def _deadline_lists() -> dict[str, ColumnElement[bool]]:
    """Each deadline list's condition on an open dossier's dates. A dossier is on at most
    one (the steps they wait for follow one another, and the course's certificate and the
    decision only matter before the admission and the oath), so each count tests its own
    condition alone. The same dossiers as the kept rows of ``tally.events.open_rows`` read
    up to the cut-offs (``_kept_reads``)."""
    d, cut = Dossier, CUT_OFF
    before_admission = and_(_missing(d.admitted_on, AS_OF), _missing(d.sworn_in_on, AS_OF))
    return {
        "ceremony": and_(_recorded(d.admitted_on, AS_OF), _missing(d.sworn_in_on, AS_OF)),
        "recognition": and_(_recorded(d.sworn_in_on, AS_OF), d.sworn_in_on <= cut["sworn_in"]),
        "certificate": and_(_recorded(d.trained_on, AS_OF), _missing(d.cell_resolved_on, AS_OF),
                            before_admission, d.trained_on <= cut["trained"]),
        "decision": and_(_recorded(d.cell_resolved_on, AS_OF), before_admission,
                         d.cell_resolved_on <= cut["cell_resolved"]),
    }


def _kept_reads(as_of: date, rules: RuleValues, stuck: dict[str, date]) -> list[Read]:
    """Each list as the kept rows of the open dossiers up to a day (``due_units``): at
    admission, awaiting the oath; sworn in long enough; the course's and the cell's days
    (before the admission); each stage reached before its stuck cut-off."""
    cut = _deadline_cut_offs(as_of, rules)
    reads = [("ceremony", ("admitted",), as_of), ("recognition", ("sworn_in",), cut.sworn_in),
             ("certificate", (CERTIFICATE,), cut.trained),
             ("decision", (DECISION,), cut.cell_resolved)]
    by_day: dict[date, list[str]] = {}
    for code, day in stuck.items():
        by_day.setdefault(day, []).append(code)
    return reads + [("stuck", tuple(codes), day) for day, codes in sorted(by_day.items())]


def _stuck_cut_offs(as_of: date, medians: dict[str, dict[str, float]],
                    samples: dict[str, int]) -> dict[str, date]:
    """Per stage, the last day a dossier can have reached it and count as stuck on
    ``as_of`` (waited more than ``max(STUCK_FACTOR x median, MIN_STUCK_DAYS)`` days)."""
    cut_offs = {}
    for code, usual in medians.get("", {}).items():
        if samples.get(code, 0) < MIN_SAMPLES:
            continue
        threshold = max(STUCK_FACTOR * usual, MIN_STUCK_DAYS)
        cut_offs[code] = as_of - timedelta(days=int(threshold) + 1)
    return cut_offs


def _snapshot(row, as_of: date) -> SimpleNamespace:
    """The dossier as it stood on ``as_of``: later dates and ends are not known yet."""
    values = {}
    for name in DATE_FIELDS:
        value = getattr(row, name)
        values[name] = value if value is not None and value <= as_of else None
    ended = row.end_kind is not None and row.ended_on <= as_of
    return SimpleNamespace(**values, end_kind=row.end_kind if ended else None,
                           ended_on=row.ended_on if ended else None)


def _stuck() -> ColumnElement[int]:
    """1 when an open dossier has waited at its stage since before the stage's cut-off,
    as SQL over its dates: its stage is its latest step recorded by the day."""
    whens = []
    for milestone in reversed(MILESTONES[:-1]):
        column = getattr(Dossier, milestone.date_field)
        whens.append((column <= AS_OF, flag(column <= STUCK_CUT_OFF[milestone.code])))
    return case(*whens, else_=literal(0))


def _first_enterprises(counts, keys, limit: ColumnElement[int]):
    """Per list, its first enterprises in unit and enterprise order, as many as hold the
    list's first ``limit`` dossiers (whatever their names): a top-N sort of the
    enterprises with dossiers on it, then a running sum of their counts. Rows of (list,
    unit code, enterprise sort key, enterprise id)."""
    n = counts.c
    order = (n.unit_code, n.enterprise_sort, n.enterprise_id)
    firsts = []
    for key in keys:
        top = (select(literal(key).label("list"), *order, n[key].label("n"))
               .where(n[key] > 0).order_by(*order).limit(limit).subquery())
        t = top.c
        # (one row per enterprise: the running sum's peers are the row alone)
        before = func.sum(t.n).over(order_by=(t.unit_code, t.enterprise_sort, t.enterprise_id))
        ranked = select(t.list, t.unit_code, t.enterprise_sort, t.enterprise_id,
                        (before - t.n).label("before")).subquery()
        firsts.append(select(*[column for column in ranked.c if column.name != "before"])
                      .where(ranked.c.before < limit))
    return union_all(*firsts).subquery("firsts")


def _rows(user, progress: Progress, rules: RuleValues, cut_offs: dict[str, date], limit: int,
          units: list[int] | None):
    """The first ``limit`` open dossiers of each list (in unit, enterprise and name
    order) among those of ``units`` (None: every unit in scope), one row per list and
    dossier (a dossier can be on a deadline list and stuck), each with its list's total
    in those units (``_lists_statement``, with the day's values)."""
    stmt = _lists_statement(access.Scope.of(user), progress.plan, progress.unit_id,
                            units is not None)
    values = {"as_of": progress.as_of, "limit": limit,
              **asdict(_deadline_cut_offs(progress.as_of, rules)),
              **{param.key: cut_offs.get(code) for code, param in STUCK_CUT_OFF.items()}}
    if units is not None:
        values["units"] = units
    return db.session.execute(stmt, values)


@lru_cache(maxsize=128)
def _lists_statement(scope: access.Scope, plan: PlanInfo, unit_id: int | None,
                     by_units: bool) -> Select:
    """The lists' query of a scope (of the units ``UNITS`` when ``by_units``), with the
    day's values as parameters. Built once per scope: it is the same for every request.

    One pass over the open dossiers counts each enterprise's dossiers on each list,
    without reading the people (the enterprise is on the dossier); the totals add those
    counts up. Only the dossiers on the list of its first enterprises
    (``_first_enterprises``) are read again, from the index on the dossier's enterprise,
    joined to their people, put in name order and cut to the limit; only the rows shown
    are joined to their names and given their stage."""
    is_open = and_(_missing(Dossier.ended_on, AS_OF), _missing(Dossier.official_on, AS_OF))
    on_list = _deadline_lists() | {"stuck": _stuck() == 1}
    base = dossiers_base(scope, plan, unit_id)
    if by_units:
        base = base.where(Enterprise.unit_id.in_(UNITS))
    counts = (
        base
        .add_columns(Enterprise.id.label("enterprise_id"), Unit.code.label("unit_code"),
                     Enterprise.sort_name.label("enterprise_sort"),
                     *[func.count(case((condition, 1))).label(key)
                       for key, condition in on_list.items()])
        # (on the dossier's own columns: the database drops the others before joining)
        .where(is_open, or_(*on_list.values()))
        # (by the keys: the names and codes follow from them)
        .group_by(Enterprise.id, Unit.id)
        .cte("counts")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # (SQLite: as it is used twice)
    )
    f = _first_enterprises(counts, on_list, LIMIT).c
    candidates = (
        select(f.list, f.unit_code, f.enterprise_sort, f.enterprise_id, Dossier.id,
               Dossier.person_id)
        .join(Dossier, Dossier.enterprise_id == f.enterprise_id)
        .where(is_open, or_(*[and_(f.list == key, condition)
                              for key, condition in on_list.items()]))
        .subquery("candidates")).c
    position = func.row_number().over(
        partition_by=candidates.list,
        order_by=(candidates.unit_code, candidates.enterprise_sort, candidates.enterprise_id,
                  Person.sort_name, candidates.id))
    ranked = (select(candidates.list, candidates.id, candidates.person_id,
                     position.label("position"))
              .join(Person, Person.id == candidates.person_id)
              .subquery("ranked"))
    r = ranked.c
    totals = (select(*[func.sum(counts.c[key]).label(key) for key in on_list]).cte("totals")
              .prefix_with("MATERIALIZED", dialect="postgresql"))  # (added up once)
    total = case(*[(r.list == key, totals.c[key]) for key in on_list])
    return (select(r.list, total.label("total"), counting.stage_expression(AS_OF).label("stage"),
                   Dossier.id, Person.full_name,
                   Enterprise.name.label("enterprise"), Unit.name.label("unit"),
                   Dossier.end_kind, Dossier.ended_on,
                   *[getattr(Dossier, name) for name in DATE_FIELDS])
            .join_from(ranked, totals, literal(True))
            .join(Dossier, Dossier.id == r.id)
            .join(Person, Person.id == r.person_id)
            .join(Enterprise, Enterprise.id == Dossier.enterprise_id)
            .join(Unit, Unit.id == Enterprise.unit_id)
            .where(r.position <= LIMIT)
            .order_by(r.list, r.position))


def due_and_stuck(user, progress: Progress, limit: int = LIST_LIMIT,
                  units_page: tuple[int, int] | None = (1, UNITS_PER_PAGE)) -> Due:
    """The due, overdue and stuck lists of ``progress``'s scope on its "as of" day (the
    first ``limit`` of each, with each list's total), and the medians of every unit
    together and of the ``units_page``-th (number, size) units (None: none). The medians'
    queries (``durations.median_days``, at most three); for a user who sees whole units,
    the area's units (the medians' too) and each one's number on each list from the kept
    rows (``due_units``, two), so that only the units holding the lists' first entries
    are read; then the lists' query."""
    as_of, rules = progress.as_of, rule_values()
    units = area_units(user, progress) if access.sees_whole_units(user) else None
    found = median_days(user, progress, units_page,
                        None if units is None else [(unit.unit_id, unit.name) for unit in units])
    medians, samples = found.by_unit, found.samples
    cut_offs = _stuck_cut_offs(as_of, medians, samples)
    keys = (*DEADLINE_LISTS, "stuck")
    read, rest = None, Counter()
    if units is not None:
        unit_lists(user, progress, units, _kept_reads(as_of, rules, cut_offs))
        read, rest = units_to_read(units, keys, limit)
        if len(read) == len(units) or not any(rest.values()):
            # (every unit with an entry: the lists' query over every unit, as for anyone)
            read, rest = None, Counter()
    lists = {key: ItemList(key, total=rest[key]) for key in keys}
    counted = set()
    for row in _rows(user, progress, rules, cut_offs, limit, read):
        snap = _snapshot(row, as_of)
        if row.list == "stuck":
            since = getattr(snap, MILESTONE_BY_CODE[row.stage].date_field)
            item = _item(row, row.stage, since, None, True)
            item.days = (as_of - since).days
        else:
            item = _item(row, row.stage, *_deadline(row.list, snap, as_of, rules))
        lists[row.list].items.append(item)
        if row.list not in counted:
            counted.add(row.list)
            lists[row.list].total += row.total
    return Due(lists, medians, samples, limit, found.units_total)


def _item(row, stage: str, since: date | None, due: date | None, overdue: bool) -> Item:
    return Item(row.id, row.full_name, row.enterprise, row.unit, stage, since, due, overdue)


def _deadline(list_key: str, snap: SimpleNamespace, as_of: date,
              rules: RuleValues) -> tuple[date, date, bool]:
    """(since, due, overdue) of a dossier on a deadline list: the deadlines of
    ``workflow.alerts`` (a test holds the two together), without composing its messages."""
    if list_key == "ceremony":
        due = add_working_days(snap.admitted_on, rules.ceremony_working_days)
        return snap.admitted_on, due, as_of > due
    if list_key == "recognition":
        ends = add_months(snap.sworn_in_on, rules.probation_months)
        if as_of < ends:
            return snap.sworn_in_on, ends, False
        due = add_working_days(ends, rules.recognition_working_days)
        return snap.sworn_in_on, due, as_of > due
    if list_key == "certificate":
        expires = add_months(snap.trained_on, rules.certificate_valid_months)
        return snap.trained_on, expires, as_of > expires
    return (snap.cell_resolved_on, add_working_days(snap.cell_resolved_on,
                                                    rules.admission_working_days), True)
