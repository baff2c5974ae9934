"""Two languages, done properly: every message has a Vietnamese and an English translation,
translations keep their placeholders, pages speak Vietnamese unless a user chose English
(and the choice follows the user), and numbers are written the way each language writes
them. Vietnamese name order is tested in test_text.py."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from flask import render_template_string
from flask_babel import force_locale, format_decimal, format_percent

from ldld_tracker import PROJECT_DIR, catalogues
from ldld_tracker.extensions import db
from ldld_tracker.i18n import format_day, format_number, format_share
from ldld_tracker.models import Role

from . import factories

LANGUAGES = ("vi", "en")
# The same keywords as `make translations-update`.
KEYWORDS = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_ngettext=(1, 2))
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")


def _source_msgids() -> dict[str, str]:
    """Every msgid in the code and templates (babel.cfg), with where it was found."""
    with (PROJECT_DIR / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PROJECT_DIR), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def source_msgids() -> dict[str, str]:
    return _source_msgids()


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request):
    path = catalogues.TRANSLATIONS / request.param / "LC_MESSAGES" / "messages.po"
    return request.param, catalogues.load(path)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_extraction_finds_the_messages_users_see(source_msgids):
    # Guards the test below against an extraction that silently finds nothing.
    assert "Sign in" in source_msgids
    assert "Identified as outstanding" in source_msgids  # lazy_gettext in workflow/rules.py
    assert "%(num)s entry" in source_msgids  # ngettext in a template
    assert len(source_msgids) > 500


def test_every_message_in_the_source_is_translated(source_msgids, catalogue):
    language, catalog = catalogue
    missing = []
    for msgid, where in sorted(source_msgids.items()):
        message = catalog.get(msgid)
        if message is None or message.fuzzy or not all(_strings(message)):
            missing.append(f"{msgid!r} ({where})")
    assert not missing, (
        f"{len(missing)} message(s) without a {language} translation; run "
        f"`make translations-update` and translate them in "
        f"ldld_tracker/translations/{language}/LC_MESSAGES/messages.po:\n" + "\n".join(missing))


def test_translations_keep_the_placeholders_of_their_msgid(catalogue):
    language, catalog = catalogue
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in _strings(message):
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, f"{language}: placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_compiling_refuses_a_broken_catalogue_and_leaves_fuzzy_entries_out(tmp_path):
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = ('msgid ""\nmsgstr ""\n"Language: vi\\n"\n'
              '"Content-Type: text/plain; charset=utf-8\\n"\n\n')
    po = folder / "messages.po"
    po.write_text(header + 'msgid "Save"\nmsgstr "Lưu"\n\n'
                  '#, fuzzy\nmsgid "Cancel"\nmsgstr "Đoán bừa"\n', encoding="utf-8")
    assert catalogues.compile_all(tmp_path) == [folder / "messages.mo"]
    from babel.messages.mofile import read_mo
    with (folder / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("Save").string == "Lưu"
    assert compiled.get("Cancel") is None

    po.write_text(header + 'msgid "Save"\nmsgstr "Lưu"\nthis line is not PO syntax\n',
                  encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError, match="messages.po"):
        catalogues.compile_all(tmp_path)

    po.write_text(header + '#, python-format\nmsgid "Hello %(name)s"\n'
                  'msgstr "Xin chào %(ten)s"\n', encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError, match="ten"):
        catalogues.compile_all(tmp_path)


def test_pages_are_in_vietnamese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page
    assert "Sign in" not in page


def test_messages_from_python_code_are_in_vietnamese_too(client):
    user = factories.user(Role.BOARD)
    db.session.commit()
    page = client.post("/login", data={"username": user.username, "password": "wrong"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in page


def test_wtforms_own_validation_messages_come_from_the_catalogue(client):
    empty = {"username": "", "password": "x"}
    too_long = {"username": "u" * 65, "password": "x"}
    page = client.post("/login", data=empty).get_data(as_text=True)
    assert "Mục này là bắt buộc." in page and "This field is required." not in page
    page = client.post("/login", data=too_long).get_data(as_text=True)
    assert "Không được dài quá 64 ký tự." in page  # a plural message, with its number
    client.post("/language/en")
    assert "This field is required." in client.post("/login", data=empty).get_data(as_text=True)
    page = client.post("/login", data=too_long).get_data(as_text=True)
    assert "Field cannot be longer than 64 characters." in page


def test_choosing_english_before_signing_in_translates_the_pages(client):
    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page and "Username" in page
    assert "Đăng nhập" not in page
    client.post("/language/vi")
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client):
    client.post("/language/fr")
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def test_a_users_language_is_remembered_across_sessions(app, client, login_as):
    user = login_as(Role.BOARD)
    client.post("/language/en")
    db.session.refresh(user)
    assert user.locale == "en"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post("/logout")

    other_browser = app.test_client()
    other_browser.post("/login", data={"username": user.username,
                                       "password": factories.PASSWORD})
    page = other_browser.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page and "Đăng xuất" not in page


def test_a_users_choice_outweighs_the_browsers(app, client, login_as):
    user = login_as(Role.BOARD)
    assert user.locale is None
    client.post("/logout")
    client.post("/language/en")  # chosen while signed out, in this browser only
    user.locale = "vi"
    db.session.commit()
    client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", ("3.500", "12,5", "12,5%", "1.234.567", "100,0%")),
    ("en", ("3,500", "12.5", "12.5%", "1,234,567", "100.0%")),
])
def test_numbers_use_the_separators_of_the_language(app, language, expected):
    with app.test_request_context(), force_locale(language):
        assert (format_number(3500), format_number(12.5, 1), format_share(0.125),
                format_number(1234567), format_share(1)) == expected
        rendered = render_template_string(
            "{{ 3500|number }} {{ 12.5|number(1) }} {{ 0.125|percent }} {{ none|number }}")
        assert rendered == " ".join(expected[:3]) + " "


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_fraction_shown_as_a_whole_number_rounds_as_babel_does(app, language):
    values = [0.5, 1.5, 2.5, -2.5, 12.49, 12.51, 1234.5, 1235.5, 99999.5, 7.0]
    with app.test_request_context(), force_locale(language):
        assert [format_number(v) for v in values] == [
            format_decimal(v, format="#,##0") for v in values]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_share_reads_as_babel_writes_it(app, language):
    """Every share of a part of some wholes up to 400, and a few odd values, as flask_babel's
    format_percent writes them (ties rounded half to even, large and negative values)."""
    values = [part / whole for whole in range(1, 400, 13) for part in range(0, whole + 1)]
    values += [0.0005, 0.0015, 0.00025, 0.00075, 0.12345, 12.3456, 1234.5678, -0.5, -0.0, 1e-7]
    with app.test_request_context(), force_locale(language):
        for digits in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
            assert [format_share(v, digits) for v in values] == [
                format_percent(v, format=pattern) for v in values]


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_day_month_year_in_both_languages(app, language):
    with app.test_request_context(), force_locale(language):
        assert format_day(date(2020, 3, 9)) == "09/03/2020"
        assert render_template_string("{{ d|day }}", d=date(2020, 12, 31)) == "31/12/2020"
        assert format_day(None) == ""


def test_dashboards_write_percentages_in_the_chosen_language(client, login_as):
    login_as(Role.BOARD)  # the reference data hold plan 155-KH/TU, target 3,500
    page = client.get("/dashboards/").get_data(as_text=True)
    assert "3.500" in page and "Đạt 0,0% chỉ tiêu" in page
    client.post("/language/en")
    page = client.get("/dashboards/").get_data(as_text=True)
    assert "3,500" in page and "0.0% of the target" in page


def test_the_catalogues_are_where_flask_babel_looks(app):
    folder = Path(app.root_path) / app.config.get("BABEL_TRANSLATION_DIRECTORIES",
                                                   "translations")
    assert folder == catalogues.TRANSLATIONS
    assert {p.parent.parent.name for p in catalogues.po_files()} == set(LANGUAGES)
