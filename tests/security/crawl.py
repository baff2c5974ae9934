"""A small same-origin crawler over the test client: GET pages, follow their links, keep
what a privacy check needs (the text shown, every URL the page points to)."""

from __future__ import annotations

import html
import io
import json
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlsplit

from flask.testing import FlaskClient
from openpyxl import load_workbook

from ldld_tracker.text import fold

_URL_ATTRIBUTE = re.compile(r'\b(?:href|src|action|formaction|data-[\w-]*url[\w-]*)="([^"]*)"', re.I)
_SELECT = re.compile(r"<select\b.*?</select>", re.S | re.I)
_SKIPPED = ("/static/", "/logout")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Page:
    url: str
    status: int
    text: str  # the body; JSON re-encoded without \u escapes so names read as typed
    urls: list[str] = field(default_factory=list)  # links, form actions, the redirect
    mimetype: str = "text/html"

    def shown_text(self) -> str:
        """The body without its <select> lists (every ethnic group and religion is a choice
        on the member form: offering a value says nothing about anyone)."""
        return _SELECT.sub("", self.text)


def workbook_text(data: bytes) -> str:
    """Every cell of every sheet of an .xlsx, one line per row."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    lines = [" | ".join("" if value is None else str(value) for value in row)
             for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return "\n".join(lines)


def page_of(url: str, response) -> Page:
    """What a privacy check needs of a response: the text shown (a workbook's cells for a
    download) and, for HTML, every URL in it."""
    is_html = response.mimetype == "text/html"
    if response.is_json:
        text = json.dumps(response.json, ensure_ascii=False)
    elif response.mimetype == XLSX:
        text = workbook_text(response.data)
    else:
        text = response.get_data(as_text=True)
    urls = [html.unescape(u) for u in _URL_ATTRIBUTE.findall(text)] if is_html else []
    if "Location" in response.headers:
        urls.append(response.headers["Location"])
    return Page(url, response.status_code, text, urls, response.mimetype)


def _local(url: str) -> str | None:
    """The path and query of a same-origin URL worth fetching, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(_SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: FlaskClient, start: Iterable[str], limit: int = 300) -> list[Page]:
    """Fetch ``start`` then the pages they link to, breadth first, up to ``limit`` pages."""
    queue = deque(start)
    seen: set[str] = set()
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = _local(queue.popleft())
        if url is None or url in seen:
            continue
        seen.add(url)
        page = page_of(url, client.get(url))
        pages.append(page)
        queue.extend(page.urls)
    return pages


def url_forms(url: str) -> set[str]:
    """A URL as it could carry a value: raw, percent-decoded, and accent-folded."""
    decoded = unquote_plus(url)
    return {url, decoded, fold(decoded)}


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    """Which of ``secrets`` (label -> value) appear in ``text``."""
    return [label for label, value in secrets.items() if value and value in text]
