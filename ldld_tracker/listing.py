"""What every list page shares: search text kept out of URLs, paging, filters.

Free text (names, citizen ID numbers) is personal data and never goes into a URL (nor
so into access logs): the search box posts, the text is kept in the session per list,
and the browser is redirected to the list. Filters that carry no personal data (unit,
enterprise, stage, year, page) stay in the query string so links can be shared.
"""

from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, and_, literal, or_

from .extensions import db
from .text import clean, fold

SEARCH_KEY = "search"


def handle_search_post(list_name: str):
    """On POST, remember (or clear) the list's search text and redirect to the list."""
    searches = dict(session.get(SEARCH_KEY, {}))
    text = clean(request.form.get("q", ""))[:100]
    if text and "clear" not in request.form:
        searches[list_name] = text
    else:
        searches.pop(list_name, None)
    session[SEARCH_KEY] = searches
    args = {k: v for k, v in request.args.items() if k != "page"}
    return redirect(url_for(request.endpoint, **(request.view_args or {}), **args))


def search_text(list_name: str) -> str:
    return session.get(SEARCH_KEY, {}).get(list_name, "")


def apply_search(stmt: Select, text: str, name_column, *exact_columns) -> Select:
    """Accent- and case-insensitive match of every word on ``name_column`` (a folded
    column), or an exact match on one of ``exact_columns`` (tax code, citizen ID).

    Each typed word must start a word of the name ("an" finds "Nguyễn Văn An" and "Lê Thị
    Anh", not everyone called "Văn"), so a full name finds that person and few others."""
    if not text:
        return stmt
    words = fold(text).split()
    padded = literal(" ") + name_column
    name_match = [padded.contains(" " + word, autoescape=True) for word in words]
    digits = text.replace(" ", "")
    exact = [column == digits for column in exact_columns]

    return stmt.where(or_(and_(*name_match), *exact) if exact else and_(*name_match))


def page_number(name: str = "page") -> int:
    """The page number asked for in the query string parameter ``name``: 1 when missing
    or not a number from 1 to 99,999."""
    value = request.args.get(name, "1")
    return int(value) if value.isdecimal() and 0 < int(value) < 100000 else 1


def paginate(stmt: Select) -> Pagination:
    """One page of ``stmt``; a page number past the end shows the last page's emptiness,
    never an error."""
    return db.paginate(stmt, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False, count=True)


class RowPagination(SelectPagination):
    """A page of whole result rows (an object plus computed columns such as a stage or a
    count), where ``db.paginate`` would keep only the first column."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(stmt).all())


class KnownPage(Pagination):
    """A page whose items and total the caller has fetched itself (a unit's enterprises
    with their figures), for the same page links as the lists."""

    def __init__(self, page: int, per_page: int, items: list, total: int) -> None:
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False,
                         known_items=items, known_total=total)

    def _query_items(self) -> list:
        return self._query_args["known_items"]

    def _query_count(self) -> int:
        return self._query_args["known_total"]


def paginate_rows(stmt: Select) -> Pagination:
    """Like ``paginate`` for a select of several columns: items are rows."""
    return RowPagination(select=stmt, session=db.session(), page=page_number(),
                         per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True)


def int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None
