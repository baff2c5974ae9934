"""The floor: the same numbers computed by bare SQL written by hand, one aggregate query
per figure set, sent straight through the database driver (sqlite3 or psycopg), with no
Flask, no SQLAlchemy and no template. A page's floor is the sum of its figure sets'.

Two floors: over the tables the application reads (the per-unit summaries where it reads
them, the records elsewhere), and over the records alone (what the same figures cost
without the summaries).

The queries use the same tables and indexes as the application; they are what a
database programmer would write to get each table of figures, nothing cleverer.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date, timedelta

from .timing import AS_OF, YEAR, Timing

DATES = ("identified_on", "trained_on", "applied_on", "verified_on", "introduced_on",
         "cell_resolved_on", "committee_resolved_on", "admitted_on", "sworn_in_on", "official_on")
STAGES = ("identified", "trained", "applied", "verified", "introduced", "cell_resolved",
          "committee_resolved", "admitted", "sworn_in", "official")
WINDOW_DAYS, LIST_LIMIT = 365, 200
UNITS_PER_PAGE = 50  # units whose own medians the due page shows, as the application
PAGE_SIZE = 50  # enterprises per page (a unit's; the coverage gaps), as in bench_app and the API

STAGE = ("CASE WHEN d.end_kind IS NOT NULL AND d.ended_on <= :as_of THEN d.end_kind "
         + " ".join(f"WHEN d.{c} <= :as_of THEN '{s}'"
                    for c, s in reversed(list(zip(DATES, STAGES, strict=True))))
         + " ELSE 'none' END")
REACHED = ", ".join(f"count(CASE WHEN d.{c} BETWEEN :start AND :end THEN 1 END)" for c in DATES)
TERRITORY = ("u.parent_id = :root AND (u.valid_from IS NULL OR u.valid_from <= :year_end) "
             "AND (u.valid_to IS NULL OR u.valid_to >= :year_start)")
DOSSIER_JOIN = ("FROM dossier d JOIN person p ON p.id = d.person_id "
                "JOIN enterprise e ON e.id = p.enterprise_id JOIN unit u ON u.id = e.unit_id")


class Dialect:
    def __init__(self, name: str):
        self.name = name

    def month(self, column: str) -> str:
        return (f"CAST(strftime('%m', {column}) AS INTEGER)" if self.name == "sqlite"
                else f"EXTRACT(MONTH FROM {column})")

    def ymd(self, column: str) -> str:
        return (f"CAST(strftime('%Y%m%d', {column}) AS INTEGER)" if self.name == "sqlite"
                else f"(EXTRACT(YEAR FROM {column}) * 10000 + EXTRACT(MONTH FROM {column}) * 100"
                     f" + EXTRACT(DAY FROM {column}))")

    def days(self, later: str, earlier: str) -> str:
        return (f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
                if self.name == "sqlite" else f"({later} - {earlier})")


def _scope(unit: int | None, alias: str = "e.unit_id") -> str:
    return f" AND {alias} = :unit" if unit is not None else ""


def _members(key: str, unit: int | None, where: str) -> str:
    return (f"SELECT {key}, sum(m.n) FROM (SELECT enterprise_id, count(*) AS n FROM person "
            + ("WHERE enterprise_id IN (SELECT id FROM enterprise WHERE unit_id = :unit) "
               if unit is not None else "")
            + "GROUP BY enterprise_id) m JOIN enterprise e ON e.id = m.enterprise_id "
            f"JOIN unit u ON u.id = e.unit_id WHERE {where} GROUP BY {key}")


def figure_sets(dialect: Dialect, unit: int | None, key: str) -> dict[str, str]:
    """The SQL of every figure set for a scope (``unit``: one unit, or None: all) and a
    grouping (``key``: "unit", or "enterprise": the first page of the unit's enterprises)."""
    k = "e.unit_id" if key == "unit" else "e.id"
    where = TERRITORY + _scope(unit)
    page = ""
    if key == "enterprise":  # one page of the unit's enterprises, in name order
        page = (" AND e.id IN (SELECT id FROM enterprise WHERE unit_id = :unit ORDER BY "
                f"sort_name, id LIMIT {PAGE_SIZE})")
    sets = {
        "units": ("SELECT u.id, u.code, u.name, t.target FROM unit u LEFT JOIN unit_target t "
                  "ON t.unit_id = u.id AND t.plan_id = :plan WHERE " + TERRITORY
                  + _scope(unit, "u.id") + " ORDER BY u.code"),
        "reported": _reported(TERRITORY + _scope(unit, "u.id"), per_unit=True),
        "members": _members(k, unit, where + page),
        "dossiers": f"SELECT {k}, {STAGE}, count(*), {REACHED} {DOSSIER_JOIN} WHERE {where}{page} "
                    "GROUP BY 1, 2",
        # the whole unit's, for the unit's own row beside a page of its enterprises
        "unit members": _members("e.unit_id", unit, where),
        "unit dossiers": (f"SELECT e.unit_id, {STAGE}, count(*), {REACHED} {DOSSIER_JOIN} WHERE "
                          f"{where} GROUP BY 1, 2"),
        "monthly": (f"SELECT CASE WHEN d.admitted_on BETWEEN :start AND :end THEN "
                    f"{dialect.month('d.admitted_on')} END, CASE WHEN d.introduced_on BETWEEN :start "
                    f"AND :end THEN {dialect.month('d.introduced_on')} END, count(*) {DOSSIER_JOIN} "
                    f"WHERE {where} AND (d.admitted_on BETWEEN :start AND :end OR d.introduced_on "
                    "BETWEEN :start AND :end) GROUP BY 1, 2"),
        "reported monthly": ("SELECT r.month, sum(r.admitted) FROM reported_total r JOIN unit u "
                             "ON u.id = r.unit_id WHERE r.year = :year AND r.month <= :months AND "
                             + TERRITORY + _scope(unit, "u.id") + " GROUP BY r.month"),
        "breakdowns": (
            "SELECT p.sex, g.is_minority, CASE WHEN p.religion_id IS NULL THEN 0 ELSE 1 END, "
            f"CASE WHEN {dialect.ymd('d.admitted_on')} - {dialect.ymd('p.birth_date')} < 300000 "
            f"THEN 1 ELSE 0 END, CASE WHEN {dialect.ymd('d.introduced_on')} - "
            f"{dialect.ymd('p.birth_date')} < 300000 THEN 1 ELSE 0 END, p.role_category, "
            "e.ownership, z.name, count(CASE WHEN d.admitted_on BETWEEN :start AND :end THEN 1 END), "
            "count(CASE WHEN d.introduced_on BETWEEN :start AND :end THEN 1 END) "
            f"{DOSSIER_JOIN} JOIN ethnic_group g ON g.id = p.ethnic_group_id "
            f"LEFT JOIN industrial_zone z ON z.id = e.zone_id WHERE {where} AND (d.admitted_on "
            "BETWEEN :start AND :end OR d.introduced_on BETWEEN :start AND :end) "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"),
        "enterprises": ("SELECT e.id, e.tax_code, e.name, e.union_founded_on, e.workforce, "
                        "e.has_party_org, t.introductions, count(*) OVER () FROM enterprise e "
                        "LEFT JOIN enterprise_target t ON t.enterprise_id = e.id AND t.plan_id = "
                        f":plan WHERE e.unit_id = :unit ORDER BY e.sort_name, e.id LIMIT {PAGE_SIZE}"),
    }
    materialized = "MATERIALIZED " if dialect.name == "postgresql" else ""  # as the application
    per_enterprise = (
        f"WITH per AS {materialized}(SELECT e.id, e.tax_code, e.name, e.sort_name, e.workforce, "
        "u.id AS uid, "
        "u.code, u.name AS uname, CASE WHEN e.has_party_org AND (e.party_org_since IS NULL OR "
        "e.party_org_since <= :as_of) THEN 1 ELSE 0 END AS party, COALESCE(i.n, 0) AS identified "
        "FROM enterprise e JOIN unit u ON u.id = e.unit_id LEFT JOIN (SELECT p.enterprise_id AS "
        "eid, count(*) AS n FROM dossier d JOIN person p ON p.id = d.person_id "
        + ("JOIN enterprise pe ON pe.id = p.enterprise_id AND pe.unit_id = :unit "
           if unit is not None else "")
        + "WHERE d.identified_on BETWEEN :start AND :end "
        "GROUP BY p.enterprise_id) i ON i.eid = e.id "
        f"WHERE {where} AND e.union_founded_on <= :as_of) ")
    sets["coverage by unit"] = (
        per_enterprise + "SELECT uid, code, uname, count(*), sum(CASE WHEN identified = 0 THEN 1 "
        "ELSE 0 END), sum(1 - party) FROM per GROUP BY uid, code, uname ORDER BY code")
    sets["coverage list"] = (
        per_enterprise + "SELECT per.*, count(*) OVER () FROM per WHERE identified = 0 OR "
        f"party = 0 ORDER BY code, sort_name, id LIMIT {PAGE_SIZE}")
    sets["medians"] = _medians(dialect, where, _units_page(unit))
    sets.update(_summary_sets(dialect, unit))
    return sets


def _units_page(unit: int | None) -> str:
    """The names of the first page of units in code order (the due page shows their own
    medians after every unit together's)."""
    return (f"SELECT u.name FROM unit u WHERE {TERRITORY}{_scope(unit, 'u.id')} "
            f"ORDER BY u.code LIMIT {UNITS_PER_PAGE}")


def _rows(*ranges: tuple[str, date | None, date, str], codes: str = "") -> str:
    """The summary rows of ``(kind, first, last, coarsest)`` ranges as a UNION ALL, one
    branch per piece (as ``tally.periods`` splits them, a piece taken away with ``-n``),
    each an index range."""
    from ldld_tracker.tally.events import ALL_TIME_KINDS
    from ldld_tracker.tally.periods import ALL, signed_pieces

    branches = []
    for kind, first, last, coarsest in ranges:
        for sign, grain, start, end in signed_pieces(first, last, coarsest,
                                                     everything=kind in ALL_TIME_KINDS):
            if grain == ALL:
                span = f"starts_on = '{start}'"
            elif start is None:
                span = f"starts_on <= '{end}'"
            elif end is None:
                span = f"starts_on >= '{start}'"
            else:
                span = f"starts_on BETWEEN '{start}' AND '{end}'"
            n = "n" if sign > 0 else "-n AS n"
            branches.append(f"SELECT unit_id, kind, code, starts_on, {n} FROM unit_tally WHERE "
                            f"kind = '{kind}' AND grain = '{grain}' AND {span}{codes}")
    return "(" + " UNION ALL ".join(branches) + ") t"


def _reported(where: str, per_unit: bool) -> str:
    """(admitted, women, ethnic minority) reported in the year's months ended, per unit
    or in all, over the units of ``where``."""
    unit, group = ("r.unit_id, ", " GROUP BY r.unit_id") if per_unit else ("", "")
    return (f"SELECT {unit}sum(r.admitted), sum(r.women), sum(r.ethnic_minority) FROM reported_total r "
            f"JOIN unit u ON u.id = r.unit_id WHERE r.year = :year AND r.month <= :months AND {where}{group}")


def _summary_sets(dialect: Dialect, unit: int | None) -> dict[str, str]:
    """The figure sets the application reads from the per-unit summaries (for users who see
    whole units), as bare SQL over the same tables."""
    as_of = date.fromisoformat(AS_OF)
    start, end = date(YEAR, 1, 1), min(as_of, date(YEAR, 12, 31))
    where = TERRITORY + _scope(unit, "u.id")
    month = dialect.month("t.starts_on")
    admitted_or_introduced = " AND code IN ('admitted', 'introduced')"
    root = " AND unit_id = :root"
    # (as SQL: a colon before the year would be read as a parameter by the PostgreSQL run)
    coverage_codes = ("'union'", "'party'", f"'identified:' || '{YEAR}'", f"'both:' || '{YEAR}'")
    in_coverage_codes = f" AND code IN ({', '.join(coverage_codes)})"
    on_page = (f"{where} AND u.id IN (SELECT u.id FROM unit u WHERE {where} ORDER BY u.code "
               f"LIMIT {UNITS_PER_PAGE})")

    def unit_members(units: str) -> str:
        return f"SELECT m.unit_id, m.people FROM unit_members m JOIN unit u ON u.id = m.unit_id WHERE {units}"

    def unit_dossiers(units: str) -> str:
        return (f"SELECT t.unit_id, t.kind, t.code, sum(t.n) FROM "
                f"{_rows(('s', None, as_of, 'y'), ('r', start, end, 'y'))} "
                f"JOIN unit u ON u.id = t.unit_id WHERE {units} GROUP BY t.unit_id, t.kind, t.code")

    return {
        "members (summaries)": unit_members(where),
        "dossiers (summaries)": unit_dossiers(where),
        "monthly (summaries)": (
            f"SELECT t.code, {month}, sum(t.n) FROM "
            f"{_rows(('r', start, end, 'm'), codes=admitted_or_introduced)} "
            f"JOIN unit u ON u.id = t.unit_id WHERE {where} GROUP BY t.code, {month}"),
        "medians (summaries)": _medians_from_summaries(where, as_of, _units_page(unit), unit is None),
        "breakdowns (summaries)": (
            f"SELECT t.kind, t.code, sum(t.n) FROM {_rows(('b', start, end, 'y'), ('r', start, end, 'y'))} "
            f"JOIN unit u ON u.id = t.unit_id WHERE {where} GROUP BY t.kind, t.code"),
        # Coverage's enterprises per unit: with a union, a party organisation, somebody
        # identified this year, both (kind c, each from the day it counts).
        "coverage by unit (summaries)": (
            "SELECT u.id, u.code, u.name, "
            + ", ".join(f"sum(CASE WHEN t.code = {code} THEN t.n ELSE 0 END)" for code in coverage_codes)
            + f" FROM {_rows(('c', None, as_of, 'y'), codes=in_coverage_codes)} JOIN unit u ON "
            f"u.id = t.unit_id WHERE {where} GROUP BY u.id, u.code, u.name ORDER BY u.code"),
        # A page of the units (the board's by-district page and API call), beside the total.
        "units (page)": ("SELECT u.id, u.code, u.name, t.target FROM unit u LEFT JOIN unit_target t "
                         f"ON t.unit_id = u.id AND t.plan_id = :plan WHERE {where} ORDER BY u.code "
                         f"LIMIT {UNITS_PER_PAGE}"),
        "reported (page)": _reported(on_page, per_unit=True),
        "members (page)": unit_members(on_page),
        "dossiers (page)": unit_dossiers(on_page),
        # The whole territory's total alone: the rows the root unit keeps of its children
        # (kinds R, S, B; the benchmark's territory has every unit in it).
        "members (total)": ("SELECT sum(m.people) FROM unit_members m JOIN unit u ON "
                            f"u.id = m.unit_id WHERE {where}"),
        "reported (total)": _reported(where, per_unit=False),
        "dossiers (territory)": (
            f"SELECT t.kind, t.code, sum(t.n) FROM "
            f"{_rows(('S', None, as_of, 'y'), ('R', start, end, 'y'), codes=root)} GROUP BY t.kind, t.code"),
        "monthly (territory)": (
            f"SELECT t.code, {month}, sum(t.n) FROM "
            f"{_rows(('R', start, end, 'm'), codes=admitted_or_introduced + root)} "
            f"GROUP BY t.code, {month}"),
        "breakdowns (territory)": (
            f"SELECT t.kind, t.code, sum(t.n) FROM "
            f"{_rows(('B', start, end, 'y'), ('R', start, end, 'y'), codes=root)} GROUP BY t.kind, t.code"),
    }


def _medians_from_summaries(where: str, as_of: date, page: str, whole: bool) -> str:
    """The medians read off the kept histogram of moves (kind ``w``, code
    ``stage:0000012``): running sums per unit and stage for the ``page`` of units, and
    for every unit together (the ``whole`` territory: the rows the root unit keeps of its
    children's moves, kind ``v``; the benchmark's territory has every unit in it)."""
    first = as_of - timedelta(days=WINDOW_DAYS - 1)
    rows = _rows(("w", first, as_of, "y"))
    every_unit = (f"SELECT t.code, sum(t.n) AS n FROM {_rows(('v', first, as_of, 'y'))} "
                  "WHERE t.unit_id = :root GROUP BY t.code HAVING sum(t.n) <> 0" if whole else
                  f"SELECT t.code, sum(t.n) AS n FROM {rows} JOIN unit u ON u.id = t.unit_id "
                  f"WHERE {where} GROUP BY t.code HAVING sum(t.n) <> 0")
    stage, days = "substr(code, 1, length(code) - 8)", "CAST(substr(code, length(code) - 6) AS INTEGER)"
    return (f"WITH hist AS (SELECT u.name AS unit, t.code, sum(t.n) AS n FROM {rows} "
            f"JOIN unit u ON u.id = t.unit_id WHERE {where} AND u.name IN ({page}) "
            "GROUP BY u.id, u.name, t.code HAVING sum(t.n) <> 0), "
            f"every_unit AS ({every_unit}), "
            f"both_ AS (SELECT unit, {stage} AS s, {days} AS days, n FROM hist UNION ALL "
            f"SELECT '', {stage}, {days}, n FROM every_unit), "
            "ranked AS (SELECT unit, s, days, sum(n) OVER (PARTITION BY unit, s ORDER BY days) AS "
            "running, sum(n) OVER (PARTITION BY unit, s) AS total FROM both_) SELECT unit, s, "
            "(min(CASE WHEN running * 2 >= total THEN days END) + min(CASE WHEN running * 2 >= "
            "total + 1 THEN days END)) / 2.0, max(total) FROM ranked GROUP BY unit, s")


def _medians(dialect: Dialect, where: str, page: str) -> str:
    """The medians counted from the dossiers: per unit of the ``page``, and for every unit
    together."""
    recorded = [f"d.{c} AS r{i}" for i, c in enumerate(DATES)]
    wide = (f"SELECT u.name AS unit, {', '.join(recorded)} {DOSSIER_JOIN} WHERE {where} AND ("
            + " OR ".join(f"(d.{c} > :since AND d.{c} <= :as_of)" for c in DATES[1:]) + ")")
    branches = []
    for i in range(len(DATES) - 1):
        later = [f"r{j}" for j in range(i + 1, len(DATES))]
        following = f"COALESCE({', '.join(later)})" if len(later) > 1 else later[0]
        days = dialect.days(following, f"r{i}")
        branches.append(f"SELECT unit, {i} AS s, {days} AS days FROM wide "
                        f"WHERE {following} > :since AND {following} <= :as_of AND {days} >= 0")
    moves = " UNION ALL ".join(branches)
    if dialect.name == "postgresql":
        return (f"WITH wide AS ({wide}) SELECT COALESCE(unit, ''), s, percentile_cont(0.5) WITHIN "
                f"GROUP (ORDER BY days), count(*) FROM ({moves}) m GROUP BY GROUPING SETS "
                f"((unit, s), (s)) HAVING GROUPING(unit) = 1 OR unit IN ({page})")
    return (f"WITH wide AS ({wide}), hist AS (SELECT unit, s, days, count(*) AS n FROM ({moves}) "
            "GROUP BY unit, s, days), both_ AS (SELECT unit, s, days, n FROM hist WHERE unit IN "
            f"({page}) UNION ALL "
            "SELECT '', s, days, sum(n) FROM hist GROUP BY s, days), ranked AS (SELECT unit, s, "
            "days, sum(n) OVER (PARTITION BY unit, s ORDER BY days) AS running, sum(n) OVER "
            "(PARTITION BY unit, s) AS total FROM both_) SELECT unit, s, (min(CASE WHEN "
            "running * 2 >= total THEN days END) + min(CASE WHEN running * 2 >= total + 1 THEN "
            "days END)) / 2.0, max(total) FROM ranked GROUP BY unit, s")


def due_lists(unit: int | None, cut_offs: dict[str, date]) -> str:
    """The open dossiers on each due list and the stuck ones, ranked, the first
    ``LIST_LIMIT`` of each with its total (cut-off dates as parameters)."""
    recorded = lambda c: f"d.{c} <= :as_of"  # noqa: E731
    missing = lambda c: f"(d.{c} IS NULL OR d.{c} > :as_of)"  # noqa: E731
    list_key = (
        f"CASE WHEN {recorded('admitted_on')} AND {missing('sworn_in_on')} THEN 'ceremony' "
        f"WHEN {recorded('sworn_in_on')} AND d.sworn_in_on <= :probation_from THEN 'recognition' "
        f"WHEN {recorded('trained_on')} AND {missing('cell_resolved_on')} AND d.trained_on <= "
        f":trained_by THEN 'certificate' WHEN {recorded('cell_resolved_on')} AND "
        f"{missing('admitted_on')} AND d.cell_resolved_on <= :cell_by THEN 'decision' END")
    stuck = " OR ".join(f"(stage = '{s}' AND {c} <= :cut_{s})"
                        for c, s in zip(DATES, STAGES, strict=True) if s in cut_offs) or "1 = 0"
    order = "ucode, es, ps, id"
    return (
        f"WITH open_ AS (SELECT d.id, p.full_name, e.name AS ename, u.name AS uname, u.code AS "
        f"ucode, e.sort_name AS es, p.sort_name AS ps, d.{', d.'.join(DATES)}, {STAGE} AS stage, "
        f"{list_key} AS list_key {DOSSIER_JOIN} WHERE {TERRITORY}{_scope(unit)} AND "
        f"{missing('ended_on')} AND {missing('official_on')}), flagged AS (SELECT open_.*, CASE "
        f"WHEN {stuck} THEN 1 ELSE 0 END AS stuck FROM open_), ranked AS (SELECT flagged.*, "
        f"row_number() OVER (PARTITION BY list_key ORDER BY {order}) AS lr, count(*) OVER "
        f"(PARTITION BY list_key) AS lt, row_number() OVER (PARTITION BY stuck ORDER BY {order}) "
        f"AS sr, count(*) OVER (PARTITION BY stuck) AS st FROM flagged WHERE list_key IS NOT NULL "
        f"OR stuck = 1) SELECT * FROM ranked WHERE (list_key IS NOT NULL AND lr <= {LIST_LIMIT}) "
        f"OR (stuck = 1 AND sr <= {LIST_LIMIT}) ORDER BY {order}")


class Runner:
    """Runs bare SQL on one connection of the database driver itself."""

    def __init__(self, url: str):
        if url.startswith("sqlite"):
            self.dialect = Dialect("sqlite")
            self.connection = sqlite3.connect(url.split("///", 1)[1])
        else:
            import psycopg

            from ldld_tracker.config import Config

            self.dialect = Dialect("postgresql")
            # (with the sort memory the application's connections get)
            self.connection = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                                              autocommit=True,
                                              options=f"-c work_mem={Config.POSTGRES_WORK_MEM}")

    def execute(self, sql: str, params: dict) -> list[tuple]:
        if self.dialect.name == "postgresql":
            sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def time(self, sql: str, params: dict, repetitions: int, warmup: int = 2) -> tuple[Timing, list]:
        timing = Timing([])
        rows: list = []
        for round_ in range(warmup + repetitions):
            started = time.perf_counter()
            rows = self.execute(sql, params)
            if round_ >= warmup:
                timing.samples.append((time.perf_counter() - started) * 1000)
        return timing, rows

    def close(self) -> None:
        self.connection.close()


def parameters(runner: Runner, unit: int | None) -> dict:
    """The plan's ids and the period's dates (not timed)."""
    plan_id, root = runner.execute("SELECT id, unit_id FROM plan WHERE year = :year", {"year": YEAR})[0]
    as_of = date.fromisoformat(AS_OF)
    start, end = date(YEAR, 1, 1), min(as_of, date(YEAR, 12, 31))
    from ldld_tracker.workflow.counting import reported_months

    params = {"year": YEAR, "plan": plan_id, "root": root, "as_of": as_of, "start": start,
              "end": end, "year_start": date(YEAR, 1, 1), "year_end": date(YEAR, 12, 31),
              "months": reported_months(YEAR, as_of), "unit": unit,
              "since": as_of - timedelta(days=WINDOW_DAYS)}
    if runner.dialect.name == "sqlite":
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return params


def due_parameters(runner: Runner, base: dict, median_rows: list,
                   summary_rows: list) -> tuple[dict, dict[str, date]]:
    """The due lists' cut-off dates: from the rules (as the application works them out)
    and from the medians just computed (over the records, and over the summaries: the
    two must agree)."""
    from ldld_tracker.dashboards import due
    from ldld_tracker.workflow.rules import RuleValues

    as_of = date.fromisoformat(AS_OF)
    medians = {STAGES[int(s)]: float(m) for unit, s, m, _n in median_rows if unit == ""}
    samples = {STAGES[int(s)]: int(n) for unit, s, _m, n in median_rows if unit == ""}
    kept = {(unit, STAGES.index(s), float(m), int(n)) for unit, s, m, n in summary_rows}
    if kept != {(unit, int(s), float(m), int(n)) for unit, s, m, n in median_rows}:
        raise AssertionError("the medians over the summaries differ from those over the records")
    cut_offs = due._stuck_cut_offs(as_of, {"": medians}, samples)
    rules = RuleValues()
    soon = as_of + timedelta(days=due.SOON_DAYS)
    warn = as_of + timedelta(days=rules.certificate_warning_days)
    from ldld_tracker.workflow.calendar import add_months, add_working_days

    extra = {
        "probation_from": due._last_day(lambda d: add_months(d, 12) <= soon, add_months(soon, -12)),
        "trained_by": due._last_day(lambda d: add_months(d, 60) <= warn, add_months(warn, -60)),
        "cell_by": due._last_day(lambda d: add_working_days(d, 60) < as_of, as_of - timedelta(days=84)),
        **{f"cut_{s}": d for s, d in cut_offs.items()},
    }
    if runner.dialect.name == "sqlite":
        extra = {k: v.isoformat() for k, v in extra.items()}
    return {**base, **extra}, cut_offs
