"""Language choice (Vietnamese by default, English available) and display formats."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import numbers
from flask import Flask, current_app, has_app_context, has_request_context, request, session
from flask_babel import format_decimal, format_percent, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's choice, else this browser's, else the default: Vietnamese
    (BABEL_DEFAULT_LOCALE; also the language of CLI commands and other work outside a
    request)."""
    languages = ("vi", "en")
    if has_request_context():
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        if session.get("lang") in languages:
            return session["lang"]
        if request.args.get("lang") in languages:
            return request.args["lang"]
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "vi") if has_app_context() else "vi"
    return default if default in languages else "vi"


def format_day(value: date | None) -> str:
    """Dates are dd/mm/yyyy in both languages, as on official documents."""
    return value.strftime("%d/%m/%Y") if value else ""


@cache
def _int_symbols(locale: str) -> tuple[str, str]:
    return numbers.get_group_symbol(locale), numbers.get_minus_sign_symbol(locale)


def format_number(value: float | int | None, digits: int = 0) -> str:
    """3.500 and 12,5 in Vietnamese; 3,500 and 12.5 in English."""
    if value is None:
        return ""
    if digits == 0 and type(value) is int:
        # The same text as format_decimal, without parsing its pattern for every cell of
        # a table of hundreds of rows.
        group, minus = _int_symbols(str(get_locale()))
        text = f"{abs(value):,}".replace(",", group)
        return minus + text if value < 0 else text
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)  # in the request's locale


def format_share(value: float | None, digits: int = 1) -> str:
    """A ratio as a percentage: 0.125 is 12,5% in Vietnamese and 12.5% in English."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=pattern)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_share
    app.jinja_env.add_extension("jinja2.ext.do")
