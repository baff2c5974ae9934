"""Illustrative targets of plan 155-KH/TU per unit, and monthly reported totals.

The split of the 3,500 is made up (bigger units get more) and adds up exactly to the
province's target. Reported totals stand for admissions outside the tracked enterprises
(villages, schools, agencies): each unit's year lands near, never exactly at, its target.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .names import MINORITY_WEIGHT

PLAN_YEAR = 2020
TARGETS = {
    "643": 600, "644": 190, "645": 215, "646": 150, "647": 140, "648": 255, "649": 160,
    "650": 210, "651": 245, "652": 150, "653": 160, "654": 280, "655": 150, "656": 145,
    "657": 170, "K01": 180, "K02": 100,
}
# Admissions cluster before the anniversaries (3/2, 19/5, 2/9) and at the year's end.
MONTH_WEIGHTS = (3, 9, 6, 7, 10, 8, 7, 8, 10, 8, 9, 15)


@dataclass(frozen=True)
class ReportedSpec:
    unit_code: str
    month: int
    admitted: int
    women: int
    ethnic_minority: int


def _split(rng: random.Random, total: int) -> list[int]:
    """``total`` over 12 months along MONTH_WEIGHTS, with some noise (largest remainder)."""
    weights = [w * rng.uniform(0.7, 1.3) for w in MONTH_WEIGHTS]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(12), key=lambda m: shares[m] - counts[m], reverse=True)
    for month in order[: total - sum(counts)]:
        counts[month] += 1
    return counts


def reported_totals(rng: random.Random, tracked: dict[str, int], target: int) -> list[ReportedSpec]:
    """Monthly totals for every unit with a target; ``tracked`` is the admissions of the
    year already recorded person by person, per unit code."""
    rows: list[ReportedSpec] = []
    for code, unit_target in TARGETS.items():
        total = max(0, round(unit_target * rng.uniform(0.92, 1.07)) - tracked.get(code, 0))
        minority_share = min(0.6, 0.15 * MINORITY_WEIGHT.get(code, 1.0))
        for month, admitted in enumerate(_split(rng, total), start=1):
            women = min(admitted, round(admitted * rng.uniform(0.35, 0.55)))
            minority = min(admitted, round(admitted * minority_share * rng.uniform(0.7, 1.3)))
            rows.append(ReportedSpec(code, month, admitted, women, minority))
    grand = sum(r.admitted for r in rows) + sum(tracked.values())
    if grand == target:  # near the target, but the demo should not look arranged
        last = rows[-1]
        rows[-1] = ReportedSpec(last.unit_code, last.month, last.admitted + 1, last.women,
                                last.ethnic_minority)
    return rows
