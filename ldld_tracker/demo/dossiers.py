"""Made-up dossiers spread over every milestone and every off-path end of 2020.

Each dossier is built backwards from the date of its furthest step, with dates that never
decrease along the path, so every step is on or after the steps it needs. The gaps keep
the Party's rules: age 18–60 on the cell date (applicants are 21–55), a certificate under
60 months old, at least 2/3 votes, introducers who worked with the applicant for 12 months
or more. A few admission decisions come after the 60 working days, to show the warning.
The demo test re-checks every dossier with ``workflow.checks.check_milestone``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..models import EndKind, RoleCategory
from ..workflow.calendar import add_months, add_working_days, full_months, is_working_day
from ..workflow.rules import MILESTONES
from . import names
from .enterprises import EnterpriseSpec
from .people import PersonSpec

# Final stage of the demo dossiers (on the demo's last day) and how many end there.
STAGE_PLAN = (
    ("identified", 55), ("trained", 45), ("applied", 35), ("verified", 35), ("introduced", 45),
    ("cell_resolved", 35), ("committee_resolved", 20), ("admitted", 55), ("sworn_in", 150),
    ("official", 35), ("withdrawn", 45), ("not_admitted", 30), ("removed", 15),
)
PATH = tuple(m.code for m in MILESTONES)
LATE_SHARE = 0.06  # admission decisions after the 60 working days (a warning, not a refusal)
YEAR_START = date(2020, 1, 1)

WITHDRAWN_BEFORE = (("identified", 20), ("trained", 15), ("applied", 12), ("verified", 12),
                    ("introduced", 15), ("cell_resolved", 8), ("committee_resolved", 3))
NOT_ADMITTED_BEFORE = (("applied", 10), ("verified", 25), ("introduced", 25),
                       ("cell_resolved", 25), ("committee_resolved", 15))
WITHDRAWN_REASONS = ("Nghỉ việc, chuyển đến làm việc ngoài tỉnh", "Xin rút hồ sơ vì hoàn cảnh gia đình",
                     "Chấm dứt hợp đồng lao động", "Chuyển sang doanh nghiệp ngoài địa bàn")
NOT_ADMITTED_EARLY = ("Thẩm tra lý lịch chưa đủ điều kiện", "Chưa đủ tiêu chuẩn theo Điều lệ Đảng",
                      "Chi bộ biểu quyết không đủ 2/3 đảng viên chính thức tán thành")
NOT_ADMITTED_LATE = ("Cấp ủy cấp trên không chuẩn y việc kết nạp",
                     "Đảng ủy cơ sở biểu quyết không đủ 2/3 tán thành")
REMOVED_REASONS = ("Không hoàn thành nhiệm vụ trong thời gian dự bị",
                   "Vi phạm tư cách đảng viên dự bị", "Tự ý bỏ sinh hoạt đảng")
ROLE_WEIGHT = {RoleCategory.WORKER: 1.0, RoleCategory.MANAGER: 3.0, RoleCategory.UNION_OFFICER: 3.0,
               RoleCategory.YOUTH_OFFICER: 3.0, RoleCategory.BUSINESS_OWNER: 2.0}


@dataclass
class IntroducerSpec:
    full_name: str
    party_unit: str
    worked_together_since: date


@dataclass
class DossierSpec:
    """What the demo will insert for one dossier (``person`` indexes the people plan)."""

    person: int
    party_cell: str
    cell_is_grassroots: bool
    values: dict[str, object] = field(default_factory=dict)
    introducers: list[IntroducerSpec] = field(default_factory=list)


def back_working_days(day: date, days: int) -> date:
    """The date ``days`` working days before ``day`` (the inverse of ``add_working_days``)."""
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _w in pairs], [w for _p, w in pairs])[0]


def _candidates(rng: random.Random, people: list[PersonSpec], enterprises: list[EnterpriseSpec],
                count: int) -> list[int]:
    """Members to give a dossier: aged 21-55 at the start of 2020, officers and young members
    more often (the plan's priorities); weighted sampling without replacement."""
    keyed = []
    for index, person in enumerate(people):
        age = full_months(person.birth_date, YEAR_START) // 12
        if not 21 <= age <= 55:
            continue
        weight = ROLE_WEIGHT[person.role_category] * (1.5 if person.youth_union_member else 1.0)
        weight *= 1.5 if enterprises[person.enterprise].has_party_org else 1.0
        keyed.append((rng.random() ** (1 / weight), index))
    keyed.sort(reverse=True)
    return [index for _key, index in keyed[:count]]


def _cell(rng: random.Random, enterprise: EnterpriseSpec, unit_code: str,
          needs_committee: bool) -> tuple[str, bool]:
    """The party cell that considers the applicant, and whether it is the grassroots one."""
    if enterprise.has_party_org and enterprise.workforce < 300 and not needs_committee:
        return f"Chi bộ {enterprise.name}", True
    if enterprise.has_party_org:
        return f"Chi bộ {rng.choice(('Phân xưởng', 'Tổ sản xuất', 'Đội'))} {rng.randint(1, 6)}", False
    place = "Tổ dân phố" if unit_code in ("643", "644") else "Thôn"
    return f"Chi bộ {place} {rng.randint(1, 18)}", False


class _Builder:
    """Fills one dossier's dates backwards from its furthest step."""

    def __init__(self, rng: random.Random, spec: DossierSpec, person: PersonSpec, unit_code: str):
        self.rng, self.spec, self.person, self.unit_code = rng, spec, person, unit_code
        self.dates: dict[str, date] = {}

    def path_to(self, code: str) -> list[str]:
        path = list(PATH[: PATH.index(code) + 1])
        if self.spec.cell_is_grassroots and "committee_resolved" in path:
            path.remove("committee_resolved")
        return path

    def admission(self, admitted_on: date) -> None:
        """The admission decision and the resolutions before it (some of them late)."""
        rng = self.rng
        late = rng.random() < LATE_SHARE
        total = rng.randint(62, 85) if late else rng.randint(20, 55)
        cell = back_working_days(admitted_on, total)
        self.dates["admitted"] = admitted_on
        self.dates["cell_resolved"] = cell
        if not self.spec.cell_is_grassroots:
            self.dates["committee_resolved"] = add_working_days(cell, rng.randint(2, min(20, total - 3)))
        self.before("cell_resolved")

    def before(self, code: str, mode: str | None = None) -> None:
        """Dates of the steps before ``code`` (whose date is set), in path order. ``mode``
        sets the gaps: "long" (an old awareness course), "normal", or "short" (used when a
        young applicant would otherwise have been identified before the age of 18)."""
        rng = self.rng
        if mode is None:
            mode = "long" if rng.random() < 0.15 else "normal"
        path = self.path_to(code)
        later = self.dates[code]
        added = []
        for step in reversed(path[:-1]):
            if step in self.dates:
                later = self.dates[step]
                continue
            later = self._gap(step, later, mode)
            self.dates[step] = later
            added.append(step)
        if mode != "short" and self.dates[path[0]] < add_months(self.person.birth_date, 18 * 12):
            for step in added:
                del self.dates[step]
            self.before(code, "short")

    def _gap(self, step: str, later: date, mode: str) -> date:
        """The date of ``step``, some time before the next step on the path (``later``)."""
        rng = self.rng
        if step == "committee_resolved":
            return back_working_days(later, rng.randint(3, 20))
        if step == "cell_resolved":
            return back_working_days(later, rng.randint(2, 20))
        if step == "introduced":
            return later - timedelta(days=rng.randint(7, 45))
        if step == "verified":
            return later - timedelta(days=rng.randint(0, 30))
        if step == "applied":
            return later - timedelta(days=rng.randint(20, 75))
        if step == "trained":
            low, high = {"long": (400, 1300), "normal": (10, 400), "short": (10, 60)}[mode]
            return later - timedelta(days=rng.randint(low, high))
        return later - timedelta(days=rng.randint(14, 60 if mode == "short" else 240))


def _details(rng: random.Random, builder: _Builder) -> None:
    spec, dates, unit_code = builder.spec, builder.dates, builder.unit_code
    body = "TU" if unit_code in ("643", "644") else "HU"
    for code, on in dates.items():
        spec.values[next(m.date_field for m in MILESTONES if m.code == code)] = on
    if "identified" in dates:
        spec.values["identified_by"] = rng.choice(("BCH CĐCS", "BCH CĐCS", "Chủ tịch CĐCS", "Tổ công đoàn"))
    if "trained" in dates:
        spec.values["certificate_no"] = f"{rng.randint(12, 980)}/CN-NTVĐ"
    if "introduced" in dates:
        with_union = rng.random() < 0.9
        spec.values["introduction_resolution_no"] = (
            f"{rng.randint(1, 30):02d}/NQ-CĐCS" if with_union else "")
        for _ in range(1 if with_union else 2):
            since = add_months(dates["introduced"], -rng.randint(12, 84)) - timedelta(days=rng.randint(0, 20))
            spec.introducers.append(IntroducerSpec(names.introducer_name(rng), spec.party_cell, since))
    if "cell_resolved" in dates:
        members = rng.randint(3, 25)
        spec.values["cell_members"] = members
        spec.values["cell_votes_for"] = rng.randint((2 * members + 2) // 3, members)
    if "committee_resolved" in dates:
        members = rng.randint(5, 15)
        spec.values["committee_members"] = members
        spec.values["committee_votes_for"] = rng.randint((2 * members + 2) // 3, members)
    if "admitted" in dates:
        spec.values["admission_decision_no"] = f"{rng.randint(100, 2400)}-QĐ/{body}"
    if "official" in dates:
        spec.values["official_decision_no"] = f"{rng.randint(100, 2400)}-QĐ/{body}"


def _sworn_after(rng: random.Random, admitted_on: date, as_of: date) -> date:
    days = rng.randint(32, 45) if rng.random() < 0.05 else rng.randint(5, 28)
    return min(add_working_days(admitted_on, days), as_of)


def _fill(rng: random.Random, builder: _Builder, stage: str, as_of: date) -> None:
    """Dates for a dossier that ends at ``stage`` on ``as_of``."""
    dates, values = builder.dates, builder.spec.values
    if stage == "official":
        sworn = _day_between(rng, date(2019, 1, 7), date(2019, 11, 10))
        probation_end = add_months(sworn, 12)
        dates["official"] = min(add_working_days(probation_end, rng.randint(0, 25)), as_of)
        dates["sworn_in"] = sworn
        builder.admission(back_working_days(sworn, rng.randint(5, 28)))
    elif stage == "sworn_in":
        if rng.random() < 0.07:
            admitted = _day_between(rng, date(2019, 7, 1), date(2019, 12, 10))
        else:
            admitted = _day_between(rng, date(2020, 1, 10), date(2020, 11, 15))
        dates["sworn_in"] = _sworn_after(rng, admitted, as_of)
        builder.admission(admitted)
    elif stage == "admitted":
        builder.admission(_day_between(rng, date(2020, 9, 20), as_of - timedelta(days=1)))
    elif stage == "removed":
        admitted = _day_between(rng, date(2019, 8, 1), date(2020, 7, 31))
        builder.admission(admitted)
        last = admitted
        if rng.random() < 0.9:
            last = dates["sworn_in"] = _sworn_after(rng, admitted, as_of)
        start = max(YEAR_START, last + timedelta(days=60))
        ended = _day_between(rng, start, min(as_of, add_months(last, 12) - timedelta(days=1)))
        values.update(end_kind=EndKind.REMOVED, ended_on=ended, end_reason=rng.choice(REMOVED_REASONS))
    elif stage in ("withdrawn", "not_admitted"):
        ended = _day_between(rng, date(2020, 1, 15), as_of)
        before = _pick(rng, WITHDRAWN_BEFORE if stage == "withdrawn" else NOT_ADMITTED_BEFORE)
        if before == "committee_resolved" and builder.spec.cell_is_grassroots:
            before = "cell_resolved"  # no committee where the cell is the grassroots one
        dates[before] = ended - timedelta(days=rng.randint(5, 150))
        builder.before(before)
        if stage == "withdrawn":
            reason = rng.choice(WITHDRAWN_REASONS)
        else:
            late = before in ("cell_resolved", "committee_resolved")
            reason = rng.choice(NOT_ADMITTED_LATE if late else NOT_ADMITTED_EARLY)
        values.update(end_kind=EndKind(stage), ended_on=ended, end_reason=reason)
    else:
        dates[stage] = _day_between(rng, date(2020, 1, 10), as_of)
        builder.before(stage)


def plan_dossiers(rng: random.Random, people: list[PersonSpec], enterprises: list[EnterpriseSpec],
                  as_of: date) -> list[DossierSpec]:
    """About 600 dossiers ending at every stage, all dated on or before ``as_of``.

    A member given a dossier is shown as having joined the union before being identified.
    """
    stages = [stage for stage, count in STAGE_PLAN for _ in range(count)]
    rng.shuffle(stages)
    specs = []
    for person_index, stage in zip(_candidates(rng, people, enterprises, len(stages)), stages,
                                   strict=True):
        person = people[person_index]
        enterprise = enterprises[person.enterprise]
        needs_committee = stage == "committee_resolved"
        cell, grassroots = _cell(rng, enterprise, enterprise.unit_code, needs_committee)
        spec = DossierSpec(person_index, cell, grassroots)
        builder = _Builder(rng, spec, person, enterprise.unit_code)
        _fill(rng, builder, stage, as_of)
        _details(rng, builder)
        first = min(builder.dates.values())
        person.union_joined_on = min(person.union_joined_on,
                                     first - timedelta(days=rng.randint(60, 700)))
        specs.append(spec)
    return specs
