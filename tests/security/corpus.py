"""A corpus of hostile input: what browsers, scripts, copy-paste and attackers send.

Every category is sent to every field of every form (one value of each category per
field, rotating through the category's values so that across fields each value is sent),
to the API's and lists' query parameters, and (the workbooks) to the importer.
"""

from __future__ import annotations

import unicodedata
from itertools import cycle

MEGABYTE_TEXT = "x" * 1_000_000

CORPUS: dict[str, tuple[str, ...]] = {
    "impossible date": ("31/02/2020", "00/00/0000", "99/99/9999", "1/1/1", "2020-13-01",
                        "29/02/2019", "31/12/99999", "-1/-1/2020"),
    "long text": ("x" * 10_000, "Nguyễn " * 2_000),
    "control characters": ("An\x00", "\x00", "\x1b[31mđỏ\x1b[0m", "An\r\nSet-Cookie: admin=1",
                           "\x07\x08\x7f", "Tab\there"),
    "invisible and direction marks": ("\u200bNguyễn\u200b Văn An", "\u202eNguyễn Văn An",
                                      "\ufeffLê\u2060 Thị\u200d Bình", "An\u2066\u2069\u061c"),
    "decomposed unicode": (unicodedata.normalize("NFD", "Nguyễn Thị Đạt Ứng"),
                           unicodedata.normalize("NFD", "Ê-đê Buôn Ma Thuột")),
    "sql-looking": ("'; DROP TABLE person; --", '" OR 1=1 --', "1 OR 1=1", "%' OR '%'='",
                    "1; SELECT * FROM user_account"),
    "html-looking": ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                     "javascript:alert(1)", "{{ 7*7 }}{% raw %}", "<svg/onload=alert(1)>"),
    "numbers": ("-1", str(10**30), "1e309", "NaN", "Infinity", "-0", "0x1F", "1,5", "٣",
                "①", "１２", " 12 ", "3.500.000.000.000"),
    # A digit to str.isdigit() that int() refuses: sent to every field.
    "digit-like": ("²",),
}

# Values whose presence, unescaped, in a response would be live markup.
LIVE_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>")

INVISIBLE = ("\u200b", "\u200d", "\u202e", "\u2060", "\u2066", "\u2069", "\u061c", "\ufeff")


def samples(field_count: int) -> list[list[tuple[str, str]]]:
    """For each of ``field_count`` fields, one (category, value) per category, rotating so
    that consecutive fields get the category's next value."""
    rotations = {category: cycle(values) for category, values in CORPUS.items()}
    return [[(category, next(rotations[category])) for category in CORPUS]
            for _ in range(field_count)]


def every_value() -> list[tuple[str, str]]:
    return [(category, value) for category, values in CORPUS.items() for value in values]


def is_clean(text: str) -> bool:
    """What ``text.clean`` guarantees of stored text: composed (NFC), no invisible marks, no
    control characters."""
    return (unicodedata.is_normalized("NFC", text)
            and not any(mark in text for mark in INVISIBLE)
            and not any(unicodedata.category(ch) == "Cc" for ch in text))


# --- workbooks for the importer ------------------------------------------------------------

ZIP_BOMB_PADDING = 20 * 1024 * 1024  # zeros: 20 MB unpacked from about 20 KB


def hostile_workbooks() -> dict[str, bytes]:
    """Files an importer must refuse, built with the Excel tests' own builders."""
    import io
    import zipfile

    from ldld_tracker.excel.safety import OLE_SIGNATURE

    from ..excel.test_safety import _bombed, _rewrite, _xlsx_bytes

    plain = _xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(plain)).read("[Content_Types].xml").replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    return {
        "XML bomb": _bombed(plain),
        "zip bomb": _rewrite(plain, add={"xl/media/padding.bin": b"\0" * ZIP_BOMB_PADDING}),
        "macro workbook renamed": _rewrite(plain, {"[Content_Types].xml": types},
                                           add={"xl/vbaProject.bin": b"\0" * 100}),
        "text file renamed": "Họ và tên;Ngày sinh\nNguyễn Văn An;05/06/1990\n".encode(),
        "truncated archive": plain[: len(plain) // 2],
        "empty file": b"",
        "old .xls renamed": OLE_SIGNATURE + b"\0" * 600,
        "random bytes": bytes(range(256)) * 4,
        "empty archive": empty_zip.getvalue(),
    }


HOSTILE_FILE_NAMES = ("<script>alert(1)</script>.xlsx", "../../../etc/passwd.xlsx",
                      "danh\u202eslx.exe", "a" * 5000 + ".xlsx", "CON.xlsx", ".xlsx")
