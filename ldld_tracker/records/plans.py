"""What the Organization Board owns: annual plans, the target split per unit, enterprise
targets of introductions; and the monthly totals units report for admissions outside the
tracked enterprises. Each operation validates everything first, refuses with messages per
field (``OperationRefused``), audits what changed and flushes, never commits.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import access, audit, clock
from ..errors import OperationRefused
from ..extensions import db
from ..models import (
    Enterprise,
    EnterpriseTarget,
    Plan,
    ReportedTotal,
    Unit,
    UnitKind,
    UnitTarget,
    User,
)
from ._common import apply_changes

PLAN_FIELDS = ("year", "number", "issuing_body", "issued_on", "target", "unit_id",
               "monthly_profile")
MAX_COUNT = 1_000_000
REPORTED_PARTS = ("admitted", "women", "ethnic_minority")
# 1200, or with thousands separated by a dot, comma or space: 1.200, 1,200, 1 200.
WHOLE_NUMBER = re.compile(r"^(\d+|\d{1,3}([.,\s]\d{3})+)$")


def parse_count(text: Any) -> int | None:
    """A whole number typed in a form ("1.200", "1 200" and "1,200" accepted), None when
    blank; ``ValueError`` for anything else, negative numbers included."""
    if text is None:
        return None
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip()
        if not cleaned:
            return None
        if not WHOLE_NUMBER.match(cleaned):
            raise ValueError(text)
        value = int(re.sub(r"\D", "", cleaned))
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(text)
    return value


def _count_or_error(text: Any, errors: dict[str, str], key: str) -> int | None:
    try:
        return parse_count(text)
    except ValueError:
        errors[key] = _("Enter a whole number, 0 or more.")
        return None


# --- plans ----------------------------------------------------------------------------

def check_profile(profile: list[int] | None) -> str | None:
    """Why a monthly profile is not valid (None when it is, or when there is none)."""
    if profile is None:
        return None
    if len(profile) != 12 or any(p is None or not 0 <= p <= 100 for p in profile):
        return _("Give all 12 monthly percentages (0 to 100), or none for an even pace.")
    if any(b < a for a, b in pairwise(profile)):
        return _("The monthly percentages are cumulative: each month at least the one before.")
    if profile[-1] != 100:
        return _("The percentage at the end of December must be 100.")
    return None


def _validate_plan(values: dict[str, Any], current: Plan | None) -> None:
    errors: dict[str, str] = {}
    year = values.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("The year must be between 2000 and 2100.")
    else:
        taken = db.session.scalar(select(Plan).where(Plan.year == year))
        if taken is not None and taken is not current:
            errors["year"] = _("There is already a plan for %(year)s.", year=year)
    if not (values.get("number") or "").strip():
        errors["number"] = _("Enter the plan's number, e.g. 155-KH/TU.")
    if not (values.get("issuing_body") or "").strip():
        errors["issuing_body"] = _("Enter the body that issued the plan.")
    issued_on = values.get("issued_on")
    if not isinstance(issued_on, date):
        errors["issued_on"] = _("Enter the date the plan was issued.")
    elif issued_on > clock.today():
        errors["issued_on"] = _("This date is in the future.")
    target = values.get("target")
    if not isinstance(target, int) or not 0 <= target <= MAX_COUNT:
        errors["target"] = _("The target must be a whole number, 0 or more.")
    if db.session.get(Unit, values.get("unit_id") or 0) is None:
        errors["unit_id"] = _("Choose the province the plan covers.")
    problem = check_profile(values.get("monthly_profile"))
    if problem:
        errors["monthly_profile"] = problem
    if errors:
        raise OperationRefused(*errors.values(), field_errors=errors)


def create_plan(values: dict[str, Any], actor: User) -> Plan:
    """Add a year's plan (one per year)."""
    _validate_plan(values, None)
    plan = Plan(**{k: v for k, v in values.items() if k in PLAN_FIELDS})
    db.session.add(plan)
    db.session.flush()
    audit.record(actor, "plan.create", plan, {
        k: [None, v] for k, v in audit.snapshot(plan, PLAN_FIELDS).items() if v is not None})
    return plan


def update_plan(plan: Plan, values: dict[str, Any], actor: User) -> dict[str, list[Any]]:
    """Change a plan; returns the audited changes."""
    merged = {**audit.snapshot(plan, PLAN_FIELDS), "issued_on": plan.issued_on, **values}
    _validate_plan(merged, plan)
    return apply_changes(plan, values, PLAN_FIELDS, actor, "plan.update")


def plans_with_parts() -> list[tuple[Plan, int | None]]:
    """Every plan (latest first) with the sum of its targets per unit."""
    parts = (select(UnitTarget.plan_id, func.sum(UnitTarget.target).label("parts"))
             .group_by(UnitTarget.plan_id).subquery())
    stmt = (select(Plan, parts.c.parts).outerjoin(parts, parts.c.plan_id == Plan.id)
            .order_by(Plan.year.desc()))
    return [(plan, total) for plan, total in db.session.execute(stmt)]


def provinces() -> list[Unit]:
    """The units a plan can cover."""
    return list(db.session.scalars(select(Unit).where(Unit.kind == UnitKind.PROVINCE)
                                   .order_by(Unit.code)))


# --- targets ----------------------------------------------------------------------------

def territory_units(plan: Plan) -> list[Unit]:
    """The units a plan's target is split over (children of its unit, existing that year)."""
    start, end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    units = db.session.scalars(select(Unit).where(Unit.parent_id == plan.unit_id).order_by(Unit.code))
    return [u for u in units if (u.valid_from is None or u.valid_from <= end)
            and (u.valid_to is None or u.valid_to >= start)]


def set_unit_targets(plan: Plan, raw: dict[int, Any], actor: User) -> dict[str, list[Any]]:
    """Set each unit's share of the target (``raw``: unit id -> typed text; blank removes
    it). The parts need not add up to the plan's target: the page warns when they don't."""
    units = {u.id: u for u in territory_units(plan)}
    errors: dict[str, str] = {}
    wanted: dict[int, int | None] = {}
    for unit_id, text in raw.items():
        if unit_id not in units:
            raise OperationRefused(_("This unit is not in the plan's territory."))
        wanted[unit_id] = _count_or_error(text, errors, f"unit-{unit_id}")
    if errors:
        raise OperationRefused(*sorted(set(errors.values())), field_errors=errors)
    existing = {t.unit_id: t for t in plan.targets}
    changes: dict[str, list[Any]] = {}
    for unit_id, value in wanted.items():
        row = existing.get(unit_id)
        before = row.target if row else None
        if value == before:
            continue
        if value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(UnitTarget(plan=plan, unit_id=unit_id, target=value))
        else:
            row.target = value
        changes[units[unit_id].code] = [before, value]
    if changes:
        audit.record(actor, "plan.unit_targets", plan, changes)
    db.session.flush()
    return changes


def unit_enterprises(user: User, unit: Unit) -> list[Enterprise]:
    """The enterprises of ``unit`` the user may see, in name order."""
    return list(db.session.scalars(access.enterprises(user).where(Enterprise.unit_id == unit.id)
                                   .order_by(Enterprise.sort_name)))


def enterprise_targets(plan: Plan, enterprise_ids: list[int]) -> dict[int, int]:
    """The introduction targets set for these enterprises: enterprise id -> target."""
    rows = db.session.execute(select(EnterpriseTarget.enterprise_id, EnterpriseTarget.introductions)
                              .where(EnterpriseTarget.plan_id == plan.id,
                                     EnterpriseTarget.enterprise_id.in_(enterprise_ids)))
    return {enterprise_id: target for enterprise_id, target in rows}


def set_enterprise_targets(plan: Plan, raw: dict[int, Any], allowed: list[Enterprise],
                           actor: User) -> dict[str, list[Any]]:
    """Set optional targets of introductions for ``allowed`` enterprises (``raw``:
    enterprise id -> typed text; blank removes it)."""
    by_id = {e.id: e for e in allowed}
    errors: dict[str, str] = {}
    wanted: dict[int, int | None] = {}
    for enterprise_id, text in raw.items():
        if enterprise_id not in by_id:
            raise OperationRefused(_("This enterprise is not in the chosen unit."))
        wanted[enterprise_id] = _count_or_error(text, errors, f"enterprise-{enterprise_id}")
    if errors:
        raise OperationRefused(*sorted(set(errors.values())), field_errors=errors)
    existing = {t.enterprise_id: t for t in db.session.scalars(
        select(EnterpriseTarget).where(EnterpriseTarget.plan_id == plan.id,
                                       EnterpriseTarget.enterprise_id.in_(list(wanted))))}
    changes: dict[str, list[Any]] = {}
    for enterprise_id, value in wanted.items():
        row = existing.get(enterprise_id)
        before = row.introductions if row else None
        if value == before:
            continue
        if value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(EnterpriseTarget(plan=plan, enterprise_id=enterprise_id,
                                            introductions=value))
        else:
            row.introductions = value
        changes[by_id[enterprise_id].tax_code] = [before, value]
    if changes:
        audit.record(actor, "plan.enterprise_targets", plan, changes)
    db.session.flush()
    return changes


# --- reported totals -------------------------------------------------------------------

def reported_totals(unit: Unit, year: int) -> dict[int, ReportedTotal]:
    """A unit's reported totals of a year, by month."""
    rows = db.session.scalars(select(ReportedTotal).where(
        ReportedTotal.unit_id == unit.id, ReportedTotal.year == year))
    return {row.month: row for row in rows}


def _validate_month(year: int, month: int, text: dict[str, Any],
                    errors: dict[str, str]) -> dict[str, int] | None:
    values = {part: _count_or_error(text.get(part), errors, f"{part}-{month}")
              for part in REPORTED_PARTS}
    if all(v is None for v in values.values()):
        return None
    if values["admitted"] is None:
        errors[f"admitted-{month}"] = _("Enter how many were admitted in the month.")
        return None
    counts = {part: values[part] or 0 for part in REPORTED_PARTS}
    for part in ("women", "ethnic_minority"):
        if counts[part] > counts["admitted"]:
            errors[f"{part}-{month}"] = _(
                "The women and the ethnic-minority members are part of those admitted: "
                "neither can be more than the number admitted.")
    if date(year, month, 1) > clock.today():
        errors[f"admitted-{month}"] = _("This month has not started yet.")
    return counts


def set_reported_totals(unit: Unit, year: int, raw: dict[int, dict[str, Any]], actor: User,
                        note: str = "") -> dict[str, list[Any]]:
    """Record a unit's monthly totals of admissions outside the tracked enterprises
    (``raw``: month -> {"admitted", "women", "ethnic_minority"} as typed; a month left
    blank removes its total). Women and ethnic-minority members are parts of the admitted."""
    errors: dict[str, str] = {}
    wanted: dict[int, dict[str, int] | None] = {}
    for month, text in raw.items():
        if not 1 <= month <= 12:
            raise OperationRefused(_("A month is between 1 and 12."))
        wanted[month] = _validate_month(year, month, text, errors)
    if errors:
        raise OperationRefused(*sorted(set(errors.values())), field_errors=errors)
    existing = reported_totals(unit, year)
    changes: dict[str, list[Any]] = {}
    for month, counts in sorted(wanted.items()):
        row = existing.get(month)
        before = {part: getattr(row, part) for part in REPORTED_PARTS} if row else None
        if counts == before:
            continue
        if counts is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(ReportedTotal(unit_id=unit.id, year=year, month=month, note=note[:500],
                                         **counts))
        else:
            for part, value in counts.items():
                setattr(row, part, value)
        changes[f"{year}-{month:02d}"] = [before, counts]
    if changes:
        audit.record(actor, "reported_total.set", unit, changes)
    db.session.flush()
    return changes
