"""Language choice (Vietnamese by default, English available) and display formats."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale, numbers
from flask import Flask, current_app, has_app_context, has_request_context, request, session
from flask_babel import format_decimal, get_locale, get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
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
    """Dates are dd/mm/yyyy in both languages, as on official documents (``strftime``'s
    text, in a third of its time: a due list's page shows 500 dates)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


@cache
def int_symbols(locale: str) -> tuple[str, str]:
    """The locale's thousands separator and minus sign."""
    return numbers.get_group_symbol(locale), numbers.get_minus_sign_symbol(locale)


def format_int(value: int, symbols: tuple[str, str]) -> str:
    """A whole number with a locale's thousands separator and minus sign (``int_symbols``)."""
    group, minus = symbols
    text = f"{abs(value):,}".replace(",", group)
    return minus + text if value < 0 else text


def format_number(value: float | int | None, digits: int = 0) -> str:
    """3.500 and 12,5 in Vietnamese; 3,500 and 12.5 in English."""
    if value is None:
        return ""
    if digits == 0 and type(value) is float and math.isfinite(value):
        value = round(value)  # half to even, as format_decimal rounds
    if digits == 0 and type(value) is int:
        # The same text as format_decimal, without parsing its pattern for every cell of
        # a table of hundreds of rows.
        return format_int(value, int_symbols(str(get_locale())))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)  # in the request's locale


def format_share(value: float | None, digits: int = 1, locale: Locale | None = None) -> str:
    """A ratio as a percentage: 0.125 is 12,5% in Vietnamese and 12.5% in English (in
    ``locale``, default the request's).

    The same text as flask_babel's ``format_percent`` with the pattern ``#,##0.0%`` (as
    many decimals as ``digits``; tested against it): the float's shortest decimal form
    times 100, rounded half to even (the decimal context's rounding), with the locale's
    separators. Babel's pattern took 13 µs a call, this 3; a breakdown of the whole
    country has two shares on each of its 360 zone lines."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).scaleb(2).quantize(_quantum(digits))
    return format(rounded, ",f").translate(_separators(locale or get_locale())) + "%"


@cache
def _quantum(digits: int) -> Decimal:
    """The place ``digits`` decimals round to (0.1 for one)."""
    return Decimal(1).scaleb(-digits)


@cache
def _separators(locale: Locale) -> dict[int, str]:
    """``str.translate``'s table from Python's separators to the locale's."""
    return str.maketrans({".": numbers.get_decimal_symbol(locale),
                          ",": numbers.get_group_symbol(locale)})


# WTForms' own messages (its validators and fields), which it has no Vietnamese for: listed
# here so that extraction puts them in our catalogue, where WTForms then looks them up.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


class _CatalogueForWTForms:
    """What Flask-WTF's forms translate their built-in messages with: our catalogue, in the
    request's language (WTForms formats the placeholders itself)."""

    def ugettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def _use_catalogue_for_wtforms() -> None:
    # Flask-WTF keeps the translations of each request in this attribute (flask_wtf.i18n).
    request.wtforms_translations = _CatalogueForWTForms()


def init_app(app: Flask) -> None:
    app.before_request(_use_catalogue_for_wtforms)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_share
    app.jinja_env.add_extension("jinja2.ext.do")
