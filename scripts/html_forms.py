"""Read the forms of an HTML page the way a browser would submit them (standard library
only): each form's action, method and default field values (hidden inputs such as the
CSRF token and the record's version included), and each select's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **overrides: str) -> dict[str, str]:
        """The values a browser would send, with ``overrides`` typed in."""
        return {**self.values, **overrides}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.values.setdefault(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self._form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form.options[self._select].append(value)
            if "selected" in a or self._select not in self._form.values:
                self._form.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, action_end: str) -> Form | None:
    """The first form whose action ends with ``action_end`` (e.g. "/milestones/identified")."""
    return next((f for f in forms(html) if f.action.split("?")[0].endswith(action_end)), None)


def form_with_field(html: str, name: str) -> Form | None:
    """The first form that has a field ``name`` (e.g. the sign-in form's "password")."""
    return next((f for f in forms(html) if name in f.values or name in f.options), None)
