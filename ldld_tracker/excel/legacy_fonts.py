"""Vietnamese typed in the old TCVN3 (.VnTime, "ABC") and VNI fonts, brought to Unicode.

Before Unicode, Vietnamese was typed with a keyboard driver that sent ordinary Windows
(cp1252) characters, and a special font drew them as Vietnamese letters. Excel stored the
cp1252 characters, so the cell "Nguyễn Văn Đạt" typed in .VnTime reads "NguyÔn V¨n §¹t";
in a VNI font it reads "Nguyeãn Vaên Ñaït" (VNI writes a letter as its base plus a
second character for the marks).

Both tables below were written from the two encodings' layouts. Conversion happens only
when it is certain: the text must be made only of cp1252 characters, must not read as
plausible Vietnamese as it is, and exactly one of the two conversions must read as
plausible Vietnamese (letters of the Vietnamese alphabet, at most one tone per word, a
vowel group Vietnamese has). Anything else suspicious is reported, not guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# TCVN3 (TCVN 5712:1993, VN3): the cp1252 character a byte reads as -> the letter.
_TCVN3_FROM = ("¡¢£¤¥¦§¨©ª«¬\u00ad®"
               "µ¶·¸¹" "»¼½¾Æ" "ÇÈÉÊË" "ÌÎÏÐÑ" "ÒÓÔÕÖ" "×ØÜÝÞ" "ßáâãä"
               "åæçèé" "êëìíî" "ïñòóô" "õö÷øù" "úûüýþ")
_TCVN3_TO = ("ĂÂÊÔƠƯĐăâêôơưđ"
             "àảãáạ" "ằẳẵắặ" "ầẩẫấậ" "èẻẽéẹ" "ềểễếệ" "ìỉĩíị" "òỏõóọ"
             "ồổỗốộ" "ờởỡớợ" "ùủũúụ" "ừửữứự" "ỳỷỹýỵ")
TCVN3 = dict(zip(_TCVN3_FROM, _TCVN3_TO, strict=True))

# VNI Windows: a second character carries the marks of the vowel before it.
# Marks on a, e, o, u, y: sắc, huyền, hỏi, ngã, nặng.
_VNI_TONES = ("ù", "ø", "û", "õ", "ï")
# Marks on a/e/o meaning circumflex (+ tone), and on a meaning breve (+ tone).
_VNI_CIRCUMFLEX = ("â", "á", "à", "å", "ã", "ä")
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")
_TONE_COMBINING = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _vni_table() -> tuple[dict[str, str], dict[str, str]]:
    pairs: dict[str, str] = {}
    singles: dict[str, str] = {}
    for base in "aeouy":
        for mark, tone in zip(_VNI_TONES, _TONE_COMBINING, strict=True):
            pairs[base + mark] = _compose(base, tone)
    for base in "aeo":
        for i, mark in enumerate(_VNI_CIRCUMFLEX):
            pairs[base + mark] = _compose(base, "\u0302", *(_TONE_COMBINING[i - 1:i] if i else ()))
    for i, mark in enumerate(_VNI_BREVE):
        pairs["a" + mark] = _compose("a", "\u0306", *(_TONE_COMBINING[i - 1:i] if i else ()))
    # ơ and ư are one character each, which then takes a tone mark like a vowel.
    for base, letter in (("ô", "ơ"), ("ö", "ư")):
        singles[base] = letter
        for mark, tone in zip(_VNI_TONES, _TONE_COMBINING, strict=True):
            pairs[base + mark] = _compose(letter, tone)
    singles.update({"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ"})
    # Capitals: capital base and capital mark; the letter's case follows the base.
    for key, value in list(pairs.items()):
        pairs[key[0].upper() + key[1].upper()] = value.upper()
        pairs[key[0].upper() + key[1]] = value.upper()
    for key, value in list(singles.items()):
        singles[key.upper()] = value.upper()
    return pairs, singles


VNI_PAIRS, VNI_SINGLES = _vni_table()

_VOWELS = set("aăâeêioôơuưy")
_LETTERS = set("abcdefghijklmnopqrstuvwxyzăâêôơưđ")
_NUCLEI = frozenset("""
a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô
uơ uy ưa ưi ưu ươ ya yê oai oay oao oeo uây uôi uya uyê uyu ươi ươu iêu yêu
""".split())
_FINALS = frozenset({"", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"})
_TONES = frozenset(_TONE_COMBINING)
# Words are split on ASCII punctuation and spaces only: TCVN3's marks read as symbols
# ("¨", "«") and must stay inside the word they belong to.
_WORD_SPLIT = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\s]+")
_SYLLABLE = re.compile(r"([^aăâeêioôơuưy]*)([aăâeêioôơuưy]+)([^aăâeêioôơuưy]*)")


@lru_cache(maxsize=4096)  # one entry per character seen: a few hundred in practice
def _letter(ch: str) -> tuple[str, int]:
    """The letter without its tone, and how many tone marks it carries."""
    decomposed = unicodedata.normalize("NFD", ch)
    tones = sum(c in _TONES for c in decomposed)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return base, tones


def plausible_word(word: str) -> bool:
    """Could ``word`` be a Vietnamese syllable (or a plain ASCII word)?"""
    if word.isascii():
        return True
    lower = word.lower()
    for prev, ch in zip(word, word[1:], strict=False):
        if prev.islower() and ch.isupper():
            return False
    bases, tone_count = [], 0
    for ch in lower:
        base, tones = _letter(ch)
        if base not in _LETTERS:
            return False
        bases.append(base)
        tone_count += tones
    if tone_count > 1 or "đ" in bases[1:]:
        return False
    text = "".join(bases)
    match = _SYLLABLE.fullmatch(text)
    if match is None:
        return False
    initial, nucleus, final = match.groups()
    candidates = {nucleus}
    if initial.endswith("q") and nucleus.startswith("u"):
        candidates.add(nucleus[1:])
    if initial == "g" and nucleus.startswith("i") and len(nucleus) > 1:
        candidates.add(nucleus[1:])
    return final in _FINALS and any(c in _NUCLEI for c in candidates)


def plausible(text: str) -> bool:
    return all(plausible_word(w) for w in _WORD_SPLIT.split(text) if w)


def from_tcvn3(text: str) -> str:
    """Map each character; a word typed in capitals (the .VnTimeH font draws the small
    letters' codes as capitals) becomes capitals."""
    words = []
    for word in re.split(r"(\s+)", text):
        converted = "".join(TCVN3.get(ch, ch) for ch in word)
        ascii_letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
        if len(ascii_letters) > 1 and all(ch.isupper() for ch in ascii_letters) and converted != word:
            converted = converted.upper()
        words.append(converted)
    return "".join(words)


def from_vni(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        pair = text[i:i + 2]
        if len(pair) == 2 and pair in VNI_PAIRS:
            out.append(VNI_PAIRS[pair])
            i += 2
            continue
        out.append(VNI_SINGLES.get(text[i], text[i]))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Decoded:
    text: str
    # "tcvn3" or "vni" when converted; "" when the text was left as it is.
    encoding: str = ""
    # True when the text looks like an old font but no conversion is certain.
    doubtful: bool = False


# Characters that only old-font text has: the encodings' codes that are not letters of the
# Vietnamese alphabet as Unicode writes them ("¨", "©", "ø", "ï", "ñ" …). A foreign name
# with "é" is left alone; one with "ü" is reported, since .VnTime reads "ỹ" there.
_MARKERS = frozenset(
    ch for ch in (set(TCVN3) | set("".join(VNI_PAIRS)) | set(VNI_SINGLES))
    if not ch.isascii() and _letter(ch.lower())[0] not in _LETTERS)


# The 251 characters Windows-1252 can encode (five of its bytes are undefined).
CP1252 = bytes(range(256)).decode("cp1252", errors="ignore")
_NOT_CP1252 = re.compile("[^" + re.escape(CP1252) + "]")


def _cp1252_only(text: str) -> bool:
    """Whether ``text.encode("cp1252")`` would succeed (a search, not an exception)."""
    return _NOT_CP1252.search(text) is None


def decode(text: str) -> Decoded:
    """``text`` in Unicode: converted from TCVN3 or VNI when that is certain."""
    if text.isascii() or not _cp1252_only(text) or plausible(text):
        return Decoded(text)
    candidates = {}
    for name, convert in (("tcvn3", from_tcvn3), ("vni", from_vni)):
        converted = convert(text)
        if converted != text and plausible(converted) and not converted.isascii():
            candidates[name] = converted
    if len(set(candidates.values())) == 1:
        name, converted = next(iter(candidates.items()))
        return Decoded(converted, name)
    return Decoded(text, doubtful=any(ch in _MARKERS for ch in text))
