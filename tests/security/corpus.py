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
