"""Progress pages: the province at a glance, by district, one district's enterprises, the
funnel, admissions over time, breakdowns, coverage, and what is due or stuck.

Every page takes ``year``, ``as_of`` (and, to narrow to one unit, ``unit``: its code) from
the query string, calls the dashboard queries (a fixed number of SQL queries) and renders.
A unit outside the user's scope answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from .. import access, listing
from ..dashboards import breakdowns as breakdown_queries
from ..dashboards import coverage as coverage_queries
from ..dashboards import due as due_queries
from ..dashboards import pace, queries
from ..dashboards import timeline as timeline_queries
from ..dashboards.period import BadPeriod, Period, choose
from ..i18n import format_day, format_int, format_number, format_share, int_symbols
from ..models import Role
from ..workflow.rules import END_CODES, STAGE_CODES, rule_values, stage_label

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

VIEWERS = (Role.BOARD, Role.DISTRICT, Role.ENTERPRISE)
PAGES = ("overview", "districts", "funnel", "timeline", "breakdowns", "coverage", "due")


def _endpoint_url(endpoint: str, **values: Any) -> str | None:
    """A link to another feature's page, or None while that feature is not installed."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


_SENTINEL = 987654321


@bp.app_template_global()
def id_links(endpoint: str, key: str, **values: Any) -> Callable[[int | str], str] | None:
    """A link maker for many rows of one table (``link(42)`` is ``url_for(endpoint,
    key=42, **values)``; a unit's code works the same): the URL is built once, not once
    per row; None while the endpoint's feature is not installed."""
    url = _endpoint_url(endpoint, **values, **{key: _SENTINEL})
    if url is None:
        return None
    head, tail = url.split(str(_SENTINEL), 1)
    return lambda value: f"{head}{quote(str(value), safe='')}{tail}"


def _formats() -> tuple[tuple[str, str], Any]:
    """The page's thousands separator and minus sign (``int_symbols``) and its locale,
    looked up once per request (not once per cell), together (each lookup of ``g`` takes
    a few µs)."""
    found = g.get("_formats")
    if found is None:
        locale = get_locale()
        found = g._formats = (int_symbols(str(locale)), locale)
    return found


def _number_symbols() -> tuple[str, str]:
    """The page's thousands separator and minus sign (``_formats``)."""
    return _formats()[0]


def _int_cells(values: Iterable[int | None], symbols: tuple[str, str],
               css: str = "text-end") -> str:
    """Cells of whole numbers (or "–"), each with its raw value for the charts."""
    return "".join(_int_cell(value, symbols, css) for value in values)


def _int_cell(value: int | None, symbols: tuple[str, str], css: str = "text-end") -> str:
    """A cell of a whole number (or "–"): digits and the locale's separator and minus sign,
    nothing to escape (``css`` is trusted)."""
    if value is None:
        return f'<td class="{css}">–</td>'
    return f'<td class="{css}" data-value="{value}">{format_int(value, symbols)}</td>'


@bp.app_template_global()
def number_cell(value: int | float | None, class_: str = "text-end") -> Markup:
    """A table cell with a number and its raw value for the charts (``data-value``). A
    function rather than a Jinja macro: the tables call it for every figure of hundreds of
    rows."""
    css = "text-end" if class_ == "text-end" else str(escape(class_))
    if value is None or type(value) is int:
        return Markup(_int_cell(value, _number_symbols(), css))
    return Markup(f'<td class="{css}" data-value="{escape(value)}">{escape(format_number(value))}</td>')


@bp.app_template_global()
def number_cells(*values: int | None) -> Markup:
    """``number_cell`` of whole numbers, several in one call (a row of a table of hundreds)."""
    return Markup(_int_cells(values, _number_symbols()))


def _stage_cells(figures: Any, symbols: tuple[str, str]) -> str:
    current = figures.current
    return _int_cells([*(current[code] for code in STAGE_CODES),
                       sum(current[code] for code in END_CODES)], symbols)


@bp.app_template_global()
def stage_number_cells(figures: Any) -> Markup:
    """One row's stage cells (dossiers at each stage, then those who left the path) in one
    call: the district table has one row per enterprise, hundreds of them."""
    return Markup(_stage_cells(figures, _number_symbols()))


@bp.app_template_global()
def target_row_cells(figures: Any) -> Markup:
    """The cells of a by-district row after its name, in one call (the whole country's
    table has 900 rows): target, tracked, reported, expected by now, admitted, share of
    the target, introduced, then the stages."""
    symbols, locale = _formats()
    return Markup("".join((
        _int_cells((figures.target, figures.admitted_tracked, figures.admitted_reported,
                    figures.expected, figures.admitted), symbols),
        _share_cell(figures.admitted, figures.target, locale),
        _int_cell(figures.introduced, symbols),
        _stage_cells(figures, symbols))))


@bp.app_template_global()
def share_rows(lines: Iterable[Any], admitted: int, introduced: int) -> Markup:
    """A breakdown's rows in one call (the whole country's has a line per industrial zone,
    360 of them): each line's label (escaped), then its admitted and introduced, each with
    its share of ``admitted`` / ``introduced`` (or "–" without one)."""
    symbols, locale = _formats()
    return Markup("".join(
        f'<tr><th scope="row">{escape(line.label)}</th>'
        f"{_int_cell(line.admitted, symbols)}{_share_cell(line.admitted, admitted, locale)}"
        f"{_int_cell(line.introduced, symbols)}{_share_cell(line.introduced, introduced, locale)}</tr>"
        for line in lines))


def _share_cell(part: int, whole: int | None, locale: Any) -> str:
    """A cell of ``part``'s share of ``whole`` ("–" without a whole), as the ``pct`` macro:
    digits, the locale's separators and "%", nothing to escape."""
    share = format_share(part / whole, locale=locale) if whole else "–"
    return f'<td class="text-end">{share}</td>'


@bp.app_template_global()
def due_row(item: Any, link: Callable[[int], str] | None, names: dict[str, str], stuck: bool,
            overdue: Markup) -> Markup:
    """A due list's row in one call (the page shows five lists of 50): the member (linked
    to the dossier when ``link``), enterprise, unit, stage, since, then the days waited
    (``stuck``) or the due date and the ``overdue`` badge if it is. Names are escaped."""
    person = escape(item.person)
    if link is not None:
        person = f'<a href="{escape(link(item.dossier_id))}">{person}</a>'
    if stuck:
        last = f'<td class="text-end">{format_int(item.days, _number_symbols())}</td>'
    else:
        last = f"<td>{format_day(item.due)} {overdue if item.overdue else ''}</td>"
    return Markup(f'<th scope="row">{person}</th><td>{escape(item.enterprise)}</td>'
                  f"<td>{escape(item.unit)}</td><td>{escape(names[item.stage])}</td>"
                  f"<td>{format_day(item.since)}</td>{last}")


@bp.app_template_global()
def median_cells(by_stage: dict[str, float], codes: Iterable[str]) -> Markup:
    """A row of the medians' table after its name, in one call: each stage's median days
    as a whole number (as ``number(0)``), or "–" where no dossier moved."""
    symbols = _number_symbols()
    return Markup("".join(
        f'<td class="text-end">{format_int(round(by_stage[code]), symbols)}</td>'
        if code in by_stage else _int_cell(None, symbols) for code in codes))


def stage_names() -> dict[str, str]:
    """Every stage's label, translated once for a table of many rows."""
    return {code: str(stage_label(code)) for code in (*STAGE_CODES, *END_CODES)}


@bp.context_processor
def dashboard_helpers() -> dict[str, Any]:
    return {"stage_label": stage_label, "stage_names": stage_names, "STAGE_CODES": STAGE_CODES,
            "END_CODES": END_CODES, "endpoint_url": _endpoint_url, "PAGES": PAGES}


def _period() -> Period:
    try:
        return choose(queries.plans(), request.args.get("year"), request.args.get("as_of"))
    except BadPeriod as error:
        abort(400, str(error))


def _unit_code() -> str | None:
    """The unit the page is narrowed to (an enterprise officer: always their own)."""
    if current_user.role is Role.ENTERPRISE:
        return current_user.enterprise.unit.code
    code = request.args.get("unit", "").strip()
    return code[:16] or None


def _page(template: str, build: Callable[[queries.Progress], dict[str, Any]] | None = None,
          unit_code: str | None = None, figures: bool = True,
          enterprise_page: tuple[int, int] | None = None, per_unit: bool = True,
          unit_page: tuple[int, int] | None = None) -> str:
    """Render a dashboard page: the period, the progress of the scope (narrowed to a unit
    if asked, with one page of its enterprises if asked; only its total for pages that
    list no unit, ``per_unit`` False; one page of its units, ``unit_page``; only its frame,
    without figures, for pages that show none) and whatever ``build`` adds."""
    period = _period()
    code = unit_code if unit_code is not None else _unit_code()
    if figures:
        progress = queries.progress(current_user, period.year, period.as_of, code, enterprise_page,
                                    per_unit=per_unit, unit_page=unit_page)
    else:
        progress = queries.progress_frame(current_user, period.year, period.as_of, code)
    extra = build(progress) if build else {}
    args = {"year": period.year, "as_of": period.as_of.isoformat()}
    api_args = dict(args)
    if progress.unit is not None and current_user.role is not Role.ENTERPRISE:
        args["unit"] = api_args["district"] = progress.unit.code
    return render_template(template, period=period, progress=progress, args=args,
                           api_args=api_args, **extra)


@bp.route("/")
@access.roles_required(*VIEWERS)
def overview():
    """The province (a district officer: their unit; an enterprise officer: their
    enterprise) against the target, with the pace and the forecast."""
    return _page("dashboards/overview.html", lambda progress: {"pace": {
        "even": pace.expected(progress.total.target, progress.year, progress.as_of),
        "profile": progress.total.expected if progress.plan.monthly_profile else None,
    }}, per_unit=False)


@bp.route("/districts")
@access.roles_required(*VIEWERS)
def districts():
    """One row per unit: target, admitted (tracked, reported), introduced, stages, pace; a
    page of units at a time in code order (the country's board sees 900), under the total
    of them all; the whole table is the progress download."""
    number, size = listing.page_number(), due_queries.UNITS_PER_PAGE  # (as the medians' units)
    return _page("dashboards/districts.html", lambda progress: {
        "page": listing.KnownPage(page=number, per_page=size, items=progress.districts,
                                  total=progress.district_count)},
        unit_page=(number, size))


@bp.route("/district/<code>")
@access.roles_required(*VIEWERS)
def district(code: str):
    """One unit's figures and a page of its enterprises (in name order), with links to each
    enterprise and its dossiers; the whole table is the progress download."""
    number, size = listing.page_number(), current_app.config["PAGE_SIZE"]
    return _page("dashboards/district.html", lambda progress: {
        "page": listing.KnownPage(page=number, per_page=size, items=progress.enterprises,
                                  total=progress.enterprise_count)},
        unit_code=code, enterprise_page=(number, size))


@bp.route("/funnel")
@access.roles_required(*VIEWERS)
def funnel():
    """Dossiers reaching each milestone this year, and how many are at each stage now."""
    return _page("dashboards/funnel.html", per_unit=False)


@bp.route("/timeline")
@access.roles_required(*VIEWERS)
def timeline():
    """Cumulative admissions by month against the target's trajectory."""
    return _page("dashboards/timeline.html",
                 lambda progress: {"months": timeline_queries.monthly(current_user, progress)},
                 per_unit=False)


@bp.route("/breakdowns")
@access.roles_required(*VIEWERS)
def breakdowns():
    """Admitted and introduced by sex, ethnicity, religion, age, category, ownership, zone."""
    return _page("dashboards/breakdowns.html", lambda progress: {
        "result": breakdown_queries.breakdowns(current_user, progress),
        "rule_years": rule_values().young_age_years}, figures=False)


@bp.route("/coverage")
@access.roles_required(*VIEWERS)
def coverage():
    """Enterprises with a union where nobody was identified, or without a party
    organisation: the counts per unit (a page of units at a time, ``units_page``, under
    the total of them all) and a page of the enterprises (``page``)."""
    number, size = listing.page_number(), current_app.config["PAGE_SIZE"]
    units_number, units_size = listing.page_number("units_page"), due_queries.UNITS_PER_PAGE

    def build(progress: queries.Progress) -> dict[str, Any]:
        result = coverage_queries.coverage(current_user, progress, number, size)
        first = (units_number - 1) * units_size
        return {"result": result,
                "page": listing.KnownPage(page=number, per_page=size, items=result.gaps,
                                          total=result.gaps_total),
                "units_page": listing.KnownPage(page=units_number, per_page=units_size,
                                                items=result.units[first:first + units_size],
                                                total=len(result.units))}

    return _page("dashboards/coverage.html", build, figures=False)


@bp.route("/due")
@access.roles_required(*VIEWERS)
def due():
    """Ceremonies, recognitions, certificates and decisions due; dossiers stuck; the
    medians of every unit together and of a page of units."""
    number, size = listing.page_number(), due_queries.UNITS_PER_PAGE

    def build(progress: queries.Progress) -> dict[str, Any]:
        result = due_queries.due_and_stuck(current_user, progress, due_queries.PAGE_LIMIT,
                                           (number, size))
        units = [unit for unit in result.medians if unit]
        return {"result": result, "waiting_stages": due_queries.WAITING_STAGES,
                "page": listing.KnownPage(page=number, per_page=size, items=units,
                                          total=result.units_total)}

    return _page("dashboards/due.html", build, figures=False)
