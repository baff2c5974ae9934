"""Vietnamese text: accent folding for search, alphabetical sort keys, name clean-up.

SQL cannot sort Vietnamese correctly on every database (SQLite has no ICU collation,
PostgreSQL's depends on the server locale), so each name gets a sort key computed here
whose plain byte order is the Vietnamese order; the database compares it with the "C"
collation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Vietnamese alphabet, with the Latin letters it lacks (f j w z) in their Latin places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Codes compare in this order: part separator "!" < word separator '"' < tones (#..()
# < digits (0..9) < letters (A..). A shorter word therefore sorts before a longer one
# ("An" < "Anh"), whatever its tone.
_PART_SEP, _WORD_SEP = "!", '"'
_LETTER_CODE = {letter: chr(0x41 + i) for i, letter in enumerate(ALPHABET)}
_DIGIT_CODE = {str(d): chr(0x30 + d) for d in range(10)}
# Combining marks that make a new letter (ă â ê ô ơ ư) ...
_MODIFIERS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_MODIFIED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# ... and the tones, in the order Vietnamese dictionaries use.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SPACES = re.compile(r"\s+")
# Zero-width and direction marks pasted from web pages and chat apps: dropped, not spaced.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(text: str | None) -> str:
    """NFC-normalise, drop invisible and control characters, collapse white space."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        # Already composed, with no control or invisible character (each of those is
        # unprintable, and " " is the only printable space): only spaces to collapse.
        # Names are cleaned several times on their way in; this is the usual case.
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return _SPACES.sub(" ", text).strip()
        return text
    # Marks are dropped before composing: one between a letter and its accents would
    # otherwise keep them apart.
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Lower-case, accent-free form used for search: "Nguyễn Văn Đạt" -> "nguyen van dat"."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "Ð" (U+00D0, Icelandic eth) is often typed for "Đ"; both fold to "d".
    return stripped.replace("đ", "d").replace("ð", "d")


def person_name(text: str | None) -> str:
    """Clean a typed name; names typed in capitals become "Nguyễn Văn An"."""
    name = clean(text)
    if name.isupper() or name.islower():
        name = name.title()
    return name


@lru_cache(maxsize=20_000)
def _word_key(word: str) -> str:
    """One syllable: its letters, then its tone (dictionary order, syllable by syllable).
    Remembered: a few thousand syllables make up almost every name."""
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _MODIFIERS and letters and letters[-1] >= "A":
            base = ALPHABET[ord(letters[-1]) - 0x41]
            modified = _MODIFIED.get((base, _MODIFIERS[ch]))
            if modified:
                letters[-1] = _LETTER_CODE[modified]
        elif ch in _LETTER_CODE:
            letters.append(_LETTER_CODE[ch])
        elif ch in _DIGIT_CODE:
            letters.append(_DIGIT_CODE[ch])
    return "".join(letters) + chr(0x23 + tone)


def _words_key(words: list[str]) -> str:
    return _WORD_SEP.join(_word_key(w) for w in words if w)


def name_sort_key(full_name: str | None) -> str:
    """Sort key for official lists: given name (last word) first, then the rest.

    Syllable by syllable, as in a dictionary: the letters of a syllable first (a < ă < â
    < b … d < đ), then its tone (none, huyền, hỏi, ngã, sắc, nặng), then the next syllable.
    """
    words = clean(full_name).split(" ")
    if words == [""]:
        return ""
    return _words_key(words[-1:]) + _PART_SEP + _words_key(words[:-1])


def text_sort_key(text: str | None) -> str:
    """Sort key for other Vietnamese text (enterprise names), syllable by syllable in order."""
    return _words_key(clean(text).split(" "))


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def ref_key(text: str | None) -> str:
    """Key that matches the spellings of a closed-list value: "Ê Đê", "Êđê", "ê-đê" and
    "Ede" all give "ede"."""
    return _NOT_ALNUM.sub("", fold(text))
