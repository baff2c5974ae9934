"""Vietnamese text: search folding, name clean-up, alphabetical order and closed-list keys."""

from __future__ import annotations

import random
import unicodedata

import pytest

from ldld_tracker import text as text_module
from ldld_tracker.text import clean, fold, name_sort_key, person_name, ref_key, text_sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- clean ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nguyễn   Văn\tAn \n", "Nguyễn Văn An"),
        ("Nguy\u200bễn Văn An", "Nguyễn Văn An"),  # zero-width space
        ("Nguyễn\u200c Văn\u200d An", "Nguyễn Văn An"),  # zero-width (non-)joiner
        ("\ufeffNguyễn Văn An", "Nguyễn Văn An"),  # byte-order mark
        ("Ngu\u2060yễn Văn An", "Nguyễn Văn An"),  # word joiner
        ("\u200fNguyễn Văn An\u200e", "Nguyễn Văn An"),  # right-to-left / left-to-right marks
        ("\u202eNguyễn Văn An\u202c", "Nguyễn Văn An"),  # right-to-left override
        ("\u2067Nguyễn\u2069 Văn An", "Nguyễn Văn An"),  # isolates
        ("Nguyễn\u061c Văn An", "Nguyễn Văn An"),  # Arabic letter mark
        ("Nguy\u061cễn Văn An", "Nguyễn Văn An"),
        ("Nguy\u180eễn Văn An", "Nguyễn Văn An"),  # Mongolian vowel separator (zero width)
        ("Nguy\u00adễn Văn An", "Nguyễn Văn An"),  # soft hyphen
        ("Nguyễn\x00Văn An", "Nguyễn Văn An"),  # control character -> separator
        (nfd("Nguyễn Văn An"), "Nguyễn Văn An"),  # decomposed -> composed
        ("Nguye\u200b\u0302\u0303n Văn An", "Nguyễn Văn An"),  # invisible inside a letter
        ("", ""),
        (None, ""),
    ],
)
def test_clean_drops_invisible_characters_and_composes(raw, expected):
    assert clean(raw) == expected
    assert clean(raw) == unicodedata.normalize("NFC", clean(raw))


# --- fold -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn Đạt", "nguyen van dat"),
        (nfd("Nguyễn Văn Đạt"), "nguyen van dat"),
        ("NGUYỄN VĂN ĐẠT", "nguyen van dat"),
        ("Trương Thị Ánh Hồng", "truong thi anh hong"),
        ("H'Hen Niê", "h'hen nie"),
        ("Ưng Ơn Ấu Ỹ", "ung on au y"),
        ("  Lê\u200b  Thị  ", "le thi"),
        (None, ""),
    ],
)
def test_fold_removes_accents_and_case_for_search(raw, expected):
    assert fold(raw) == expected


def test_fold_of_every_accented_vowel_is_its_plain_vowel():
    vowels = {
        "a": "aàảãáạăằẳẵắặâầẩẫấậ", "e": "eèẻẽéẹêềểễếệ", "i": "iìỉĩíị",
        "o": "oòỏõóọôồổỗốộơờởỡớợ", "u": "uùủũúụưừửữứự", "y": "yỳỷỹýỵ", "d": "dđ",
    }
    for plain, variants in vowels.items():
        for ch in variants + variants.upper():
            assert fold(ch) == plain, ch
            assert fold(nfd(ch)) == plain, ch


# --- person_name ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("nguyễn văn an", "Nguyễn Văn An"),
        ("  nguyễn   văn an ", "Nguyễn Văn An"),
        (nfd("NGUYỄN VĂN AN"), "Nguyễn Văn An"),
        ("ĐẶNG THỊ ĐÀO", "Đặng Thị Đào"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("h'hen niê", "H'Hen Niê"),
        ("H'Hen Niê", "H'Hen Niê"),  # already mixed case: kept as typed
        ("Y Ngông Niê Kdăm", "Y Ngông Niê Kdăm"),
        ("", ""),
    ],
)
def test_person_name_cleans_and_capitalises_names_typed_in_one_case(raw, expected):
    assert person_name(raw) == expected


# --- name_sort_key ----------------------------------------------------------------------

def ordered(names: list[str], key=name_sort_key) -> list[str]:
    return sorted(names, key=key)


@pytest.mark.parametrize(
    "expected",
    [
        # Given name (last word) first, whatever the surname.
        ["Trần Văn An", "Nguyễn Văn Bình", "Lê Thị Cúc"],
        # a < ă < â
        ["Lê Văn An", "Lê Văn Ăn", "Lê Văn Ân"],
        # d < đ < e
        ["Lê Văn Dũng", "Lê Văn Đức", "Lê Văn Em"],
        # e < ê
        ["Lê Thị Em", "Lê Thị Êm"],
        # o < ô < ơ
        ["Lê Văn On", "Lê Văn Ôn", "Lê Văn Ơn"],
        # u < ư < v
        ["Lê Văn Un", "Lê Văn Ưng", "Lê Văn Vũ"],
        # Tones: none < huyền < hỏi < ngã < sắc < nặng
        ["Lê Thị Ma", "Lê Thị Mà", "Lê Thị Mả", "Lê Thị Mã", "Lê Thị Má", "Lê Thị Mạ"],
        # Letters before tones: "An" < "Anh" < "Ăn" (and "Án" < "Anh")
        ["Lê An", "Lê Án", "Lê Anh", "Lê Ăn"],
        # Same given name: then surname and middle names, in the same order.
        ["Bùi Thị Hoa", "Đặng Thị Hoa", "Nguyễn Thị Hoa", "Nguyễn Văn Hoa"],
        ["Lê Hoa", "Lê Thị Hoa", "Lê Thị Hòa"],
        # Ethnic-minority names with apostrophes and several words.
        ["H'Hen Niê", "Y Bhin Niê", "Y Ngông Niê"],
        # Tone of the given name decides before the surname.
        ["Võ Văn Tâm", "Lê Văn Tầm", "Bùi Văn Tấm"],
    ],
)
def test_name_sort_key_follows_vietnamese_alphabetical_order(expected):
    assert ordered(list(reversed(expected))) == expected
    assert ordered(expected[1:] + expected[:1]) == expected


def test_within_a_part_syllables_compare_one_by_one_as_in_a_dictionary():
    """Letters then tone of the first syllable decide before the next syllable is read
    (so "Ba Bê" < "Bà Ba": "Ba" < "Bà"), and a shorter syllable comes first ("Án" < "Anh")."""
    assert ordered(["Bà Ba An", "Ba Bê An"]) == ["Ba Bê An", "Bà Ba An"]
    assert ordered(["Lê Anh", "Lê Án"]) == ["Lê Án", "Lê Anh"]
    assert ordered(["Công ty Ánh Dương", "Công ty Anh Đào"], key=text_sort_key) == [
        "Công ty Anh Đào", "Công ty Ánh Dương"]


def test_name_sort_key_ignores_case_spacing_and_normalisation():
    key = name_sort_key("Nguyễn Văn Đạt")
    assert name_sort_key("NGUYỄN   VĂN ĐẠT ") == key
    assert name_sort_key(nfd("Nguyễn Văn Đạt")) == key
    assert name_sort_key("Nguy\u200bễn Văn Đạt") == key


def test_name_sort_key_of_an_empty_name_sorts_first():
    assert name_sort_key("") == name_sort_key(None) == ""
    assert ordered(["Lê An", ""]) == ["", "Lê An"]


def test_name_sort_key_is_plain_ascii_so_databases_compare_it_bytewise():
    key = name_sort_key("Nguyễn Thị Ánh Tuyết")
    assert key.isascii()
    assert key.encode() == key.encode("ascii")


def test_text_sort_key_orders_word_by_word():
    names = ["Công ty An Phát", "Công ty Ân Phú", "Công ty Đắk Lắk", "Công ty Ea Kar"]
    assert sorted(reversed(names), key=text_sort_key) == names


# --- ref_key ----------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Ê Đê", "Êđê", "ê đê", "Ede", "Ê-đê", "ÊĐÊ", nfd("Ê-đê"), " e - de "])
def test_ref_key_matches_every_spelling_of_a_group(spelling):
    assert ref_key(spelling) == ref_key("Ê-đê") == "ede"


@pytest.mark.parametrize(
    ("a", "b"),
    [("M'nông", "Mnông"), ("Gia-rai", "Gia Rai"), ("Xơ-đăng", "Xo Dang"), ("Ba-na", "Bana")],
)
def test_ref_key_ignores_accents_hyphens_apostrophes_and_spaces(a, b):
    assert ref_key(a) == ref_key(b)


def test_ref_key_keeps_different_groups_apart():
    assert ref_key("Tày") != ref_key("Thái")
    assert ref_key("Nùng") != ref_key("Mường")


def test_name_sort_key_agrees_with_a_letter_by_letter_reference_on_many_syllables():
    """Property over generated syllables (every vowel with every tone, composed or not):
    the key orders as (letters by their place in the alphabet, then the tone)."""
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    tones = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    vowels = "aăâeêioôơuưy"
    rng = random.Random(2020)
    syllables = set()
    for _ in range(3000):
        onset = rng.choice(["", "b", "ch", "d", "đ", "gh", "kh", "ng", "nh", "qu", "th", "tr", "x"])
        nucleus = "".join(rng.choice(vowels) for _ in range(rng.randint(1, 2)))
        coda = rng.choice(["", "c", "ch", "m", "n", "ng", "nh", "p", "t"])
        tone = rng.randrange(len(tones))
        syllables.add((onset + nucleus + coda, tone))

    def written(letters: str, tone: int) -> str:
        # The tone mark goes on the last vowel; composed (NFC) or left decomposed at random.
        last = max(i for i, ch in enumerate(letters) if ch in vowels)
        text = letters[: last + 1] + tones[tone] + letters[last + 1:]
        return unicodedata.normalize(rng.choice(["NFC", "NFD"]), text)

    names = [(f"Lê {written(letters, tone)}", [alphabet.index(ch) for ch in letters], tone)
             for letters, tone in sorted(syllables)]
    by_key = sorted(names, key=lambda n: name_sort_key(n[0]))
    by_reference = sorted(names, key=lambda n: (n[1], n[2]))
    assert [n[1:] for n in by_key] == [n[1:] for n in by_reference]


def _clean_the_long_way(value: str) -> str:
    """``clean`` without its shortcut for text already clean: every step, always."""
    value = unicodedata.normalize("NFC", text_module._INVISIBLE.sub("", value))
    value = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in value)
    return text_module._SPACES.sub(" ", value).strip()


def test_clean_gives_what_every_step_gives_on_random_text():
    """The shortcut for composed, printable text changes nothing: checked on 20,000
    random strings of letters, composed and decomposed accents, spaces of every kind,
    and invisible characters."""
    letters = "aăâbđêôơư AẠẢÃÀNguyễn\u00a0\t\n\u200b\u00ad\u0301\u0303\u0302e"
    pick = random.Random(155)
    for _ in range(20_000):
        value = "".join(pick.choice(letters) for _ in range(pick.randint(0, 12)))
        assert clean(value) == _clean_the_long_way(value), repr(value)
