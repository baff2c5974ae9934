"""After a load run: the figures (requests per second, p50/p95 per kind) and the checks —
no 5xx, every acknowledged write is in the database, and the counts add up (rows, audit
entries, races, and the 2020 figures of the API)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from load_setup import Account, app_for
from load_users import CITIZEN_PREFIX, Journal, Record


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def _percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def figures(records: list[Record], seconds: float) -> list[str]:
    """One line for the whole run, then one per kind of request."""
    timed = [r for r in records if r.status]
    lines = [f"{len(records)} requests in {seconds:.1f} s: {len(records) / seconds:.1f} requests/s"]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for record in timed:
        by_kind[record.kind].append(record.elapsed * 1000)
    for kind in ("login", "page", "api", "export", "write"):
        values = by_kind.get(kind)
        if values:
            lines.append(f"  {kind:<7} {len(values):>6}  p50 {_percentile(values, .5):7.1f} ms"
                         f"  p95 {_percentile(values, .95):7.1f} ms  max {max(values):7.1f} ms")
    return lines


def response_checks(records: list[Record]) -> list[Check]:
    errors = [r for r in records if r.status >= 500]
    lost = [r for r in records if r.status == 0]
    unexpected = [r for r in records if not r.expected and r.status and r.status < 500]
    sample = "; ".join(f"{r.route} -> {r.status} {r.note}" for r in (errors + lost + unexpected)[:5])
    return [
        Check("no 5xx answer", not errors, f"{len(errors)} of {len(records)}"),
        Check("every request answered", not lost, f"{len(lost)} without an answer"),
        Check("every answer as expected", not unexpected,
              f"{len(unexpected)} unexpected" + (f": {sample}" if sample else "")),
    ]


def race_checks(journal: Journal) -> list[Check]:
    bad = [r for r in journal.races if sorted(r.statuses.values()) != [302, 409]]
    return [Check("each race: one save won, the other got the conflict (409)", not bad,
                  f"{len(journal.races)} races" + (f"; wrong: {bad[:3]}" if bad else ""))]


def exports_made(records: list[Record]) -> int:
    """Report downloads that succeeded: each one must be in the audit log."""
    return sum(1 for r in records if r.route.startswith("GET /reports/") and r.status == 200)


def database_checks(url: str, journal: Journal, accounts: list[Account],
                    exports: int) -> list[Check]:
    """Every acknowledged write is in the database, and nothing else was written; every
    sign-in, change and report download is in the audit log."""
    from sqlalchemy import func, select

    from ldld_tracker.extensions import db
    from ldld_tracker.models import AuditEntry, Dossier, Person, User
    from ldld_tracker.workflow.rules import MILESTONE_BY_CODE

    app = app_for(url)
    checks: list[Check] = []
    with app.app_context():
        people = dict(db.session.execute(select(Person.citizen_id, Person.id).where(
            Person.citizen_id.like(f"{CITIZEN_PREFIX}%"))).all())
        missing = {c: i for c, i in journal.people.items() if people.get(c) != i}
        checks.append(Check("every acknowledged new member is in the database", not missing,
                            f"{len(journal.people)} acknowledged, {len(missing)} missing"))
        checks.append(Check("no member saved without acknowledgement",
                            len(people) == len(journal.people),
                            f"{len(people)} in the database"))
        dossiers = {d.id: d for d in db.session.scalars(select(Dossier).where(
            Dossier.person_id.in_(people.values() or [0])))}
        wrong = [d for d, p in journal.dossiers.items()
                 if d not in dossiers or dossiers[d].person_id != p]
        checks.append(Check("every acknowledged dossier is in the database", not wrong,
                            f"{len(journal.dossiers)} acknowledged, {len(wrong)} missing"))
        checks.append(Check("no dossier opened without acknowledgement",
                            len(dossiers) == len(journal.dossiers), f"{len(dossiers)} in the database"))
        absent = []
        for dossier_id, code, on in journal.milestones:
            recorded = getattr(dossiers.get(dossier_id), MILESTONE_BY_CODE[code].date_field, None)
            if recorded is None or recorded.strftime("%d/%m/%Y") != on:
                absent.append((dossier_id, code))
        checks.append(Check("every acknowledged milestone is in the database", not absent,
                            f"{len(journal.milestones)} acknowledged, {len(absent)} missing"))
        stored = sum(1 for d in dossiers.values() for m in MILESTONE_BY_CODE.values()
                     if getattr(d, m.date_field) is not None)
        checks.append(Check("no milestone saved without acknowledgement",
                            stored == len(journal.milestones), f"{stored} in the database"))
        names = [a.username for a in accounts]
        audit = Counter(dict(db.session.execute(
            select(AuditEntry.action, func.count()).join(AuditEntry.user)
            .where(User.username.in_(names)).group_by(AuditEntry.action)).all()))
        expected = Counter({"login": journal.logins, "person.create": len(journal.people),
                            "dossier.create": len(journal.dossiers),
                            "milestone.record": len(journal.milestones), "export": exports})
        others = {k: v for k, v in audit.items() if k not in expected}
        checks.append(Check("audit entries match the sign-ins, writes and downloads",
                            +audit == +expected,
                            ", ".join(f"{k} {audit[k]}/{v}" for k, v in expected.items())
                            + (f"; unexpected: {others}" if others else "")))
        db.session.remove()
        db.engine.dispose()
    return checks


def api_checks(before: dict | None, after: dict | None, journal: Journal) -> list[Check]:
    """The 2020 figures of the API grew by exactly the acknowledged milestones."""
    if before is None or after is None:
        return [Check("API figures (skipped: no /api/v1/progress, or no board account to read it)",
                      True)]
    acknowledged = Counter(code for _d, code, _on in journal.milestones)
    grown = {code: after["reached"][code] - before["reached"][code] for code in acknowledged}
    return [Check("API 2020 figures grew by the acknowledged milestones",
                  grown == dict(acknowledged),
                  ", ".join(f"{c} +{grown[c]}/{n}" for c, n in sorted(acknowledged.items())))]


def stamp() -> str:
    return datetime.now().strftime("%H:%M:%S")
