"""Data builders and a SQL query counter for the dashboard tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import event, func, select

from ldld_tracker.demo.scale import ScaleSpec, seed_scale
from ldld_tracker.extensions import db
from ldld_tracker.models import (
    Dossier,
    EndKind,
    Enterprise,
    IndustrialZone,
    Ownership,
    ReportedTotal,
    Role,
    RoleCategory,
    Sex,
    User,
)

from .. import factories


def seeded_board(app: Flask, enterprises: int, members: int, dossiers: int, seed: int) -> User:
    """A small scale data set over 2020-2021 (every path and end, as ``seed-scale``), seen
    on 10 January 2022; returns a board user."""
    app.config["FIXED_TODAY"] = "2022-01-10"
    seed_scale(ScaleSpec(enterprises=enterprises, members=members, dossiers=dossiers,
                         first_year=2020, last_year=2021, seed=seed))
    db.session.commit()
    return factories.user(Role.BOARD)


def admitted(on: date, enterprise: Enterprise | None = None, **person_values) -> Dossier:
    """A dossier whose admission decision (milestone 8) is dated ``on``, the steps before
    it 10 to 60 days earlier."""
    person = factories.person(enterprise or factories.enterprise(), **person_values)
    before = [on - timedelta(days=days) for days in (60, 50, 40, 30, 20, 10)]
    return factories.dossier_ready_for_cell(
        person, identified_on=before[0], trained_on=before[1], applied_on=before[2],
        verified_on=before[3], introduced_on=before[4], cell_resolved_on=before[5],
        admitted_on=on, admission_decision_no="9-KNĐ")


def introduced(on: date, enterprise: Enterprise | None = None, **person_values) -> Dossier:
    person = factories.person(enterprise or factories.enterprise(), **person_values)
    return factories.dossier(person, identified_on=on, introduced_on=on,
                             introduction_resolution_no="1/NQ")


def reported(unit_code: str, month: int, count: int, year: int = 2020, women: int = 0,
             ethnic_minority: int = 0) -> ReportedTotal:
    row = ReportedTotal(unit=factories.unit(unit_code), year=year, month=month, admitted=count,
                        women=women, ethnic_minority=ethnic_minority)
    db.session.add(row)
    db.session.flush()
    return row


def populate(copies: int) -> None:
    """``copies`` times the same varied data: enterprises in three units, people at every
    stage, ended dossiers, women and minorities, reported totals, zones."""
    zone = db.session.scalar(select(IndustrialZone).where(
        IndustrialZone.unit_id == factories.unit("643").id))
    start = db.session.scalar(select(func.count()).select_from(ReportedTotal))
    for copy in range(copies):
        reported("646", start + copy + 1, 3, women=1, ethnic_minority=2)
        for code in ("643", "644", "645"):
            ent = factories.enterprise(code, ownership=Ownership.FOREIGN,
                                       zone_id=zone.id if code == "643" else None,
                                       has_party_org=code == "644")
            admitted(date(2020, 3, 5), ent, sex=Sex.FEMALE, ethnic_group=factories.ethnic("Ê-đê"))
            admitted(date(2019, 12, 31), ent, role_category=RoleCategory.MANAGER)
            d = admitted(date(2020, 6, 30), ent)
            d.sworn_in_on = date(2020, 7, 2)
            introduced(date(2020, 1, 1), ent)
            ended = introduced(date(2020, 2, 1), ent)
            ended.end_kind, ended.ended_on = EndKind.WITHDRAWN, date(2020, 5, 1)
            factories.dossier(factories.person(ent), identified_on=date(2020, 4, 4),
                              trained_on=date(2016, 1, 1), certificate_no="C")
            factories.person(ent)  # a member without a dossier
    db.session.flush()


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


SUMMARY_TABLES = ("unit_tally", "unit_members")


def writes_summaries(statement: str) -> bool:
    """Whether ``statement`` (as ``count_queries`` collects it) writes the dashboards'
    summary tables."""
    verb, _space, rest = statement.lstrip().partition(" ")
    return verb.upper() in ("INSERT", "UPDATE", "DELETE") and any(
        table in rest for table in SUMMARY_TABLES)
