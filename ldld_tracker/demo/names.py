"""Plausible, made-up names of people, by ethnic group and sex.

Each ethnic group names people its own way: Kinh (and most northern groups) write
family name, middle name, given name ("Nguyễn Thị Hồng Nhung"); Ê-đê and M'nông put
"Y" (men) or "H'" (women) before the given name and the clan name last ("Y Khoa Byă",
"H'Zuin Niê"); Gia-rai put the clan first ("Ksor Y Phơn", "Rơ Mah H'Lan"). The pools
are common words, so no name stands for a real person.
"""

from __future__ import annotations

import random

from ..models import Sex

KINH_FAMILY = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30), ("Huỳnh", 25),
    ("Phan", 45), ("Vũ", 20), ("Võ", 25), ("Đặng", 20), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8), ("Trương", 8), ("Lương", 5),
    ("Mai", 5), ("Đoàn", 6), ("Tạ", 3), ("Hà", 5), ("Cao", 4), ("Châu", 3), ("Lâm", 3),
    ("Thái", 3), ("Kiều", 2), ("Tôn", 1), ("Lưu", 3),
)
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân",
               "Ngọc", "Đình", "Trọng", "Anh", "Quốc", "Tiến", "Duy", "Hoài", "Trung")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương",
                 "Hoài", "Bích", "Thùy", "Diệu", "Minh", "Khánh")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang",
    "Khoa", "Lâm", "Long", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn",
    "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
    "Hưng", "Khải", "Lộc", "Quý", "Thái", "Tâm", "Hậu", "Kiên", "Lực", "Nhân", "Tín",
)
FEMALE_GIVEN = (
    "Anh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hồng",
    "Huyền", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
    "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Uyên", "Vân", "Yến",
    "Duyên", "Thương", "Xuân", "Liên", "Lý", "Nhàn",
)
# Women's names often have a second middle name: "Nguyễn Thị Hồng Nhung".
FEMALE_PAIRS = ("Hồng Nhung", "Thu Hà", "Ngọc Ánh", "Thanh Tâm", "Kim Oanh", "Bích Ngọc",
                "Thùy Linh", "Phương Thảo", "Mỹ Duyên", "Diệu Linh", "Hoài Thương", "Minh Nguyệt",
                "Thanh Hương", "Kim Ngân", "Hải Yến", "Thu Trang")

EDE_CLANS = ("Niê", "Êban", "Ayun", "Adrơng", "Byă", "Ksơr", "Mlô", "Êya", "Hđök", "Knul",
             "Buôn Yă", "Kbuôr", "Mdrang", "Niê Kdăm", "Êñuôl", "Hwing", "Mjâo", "Buôn Krông")
MNONG_CLANS = ("Bkrông", "Liêng", "Đơng", "Bon", "Jơng", "Rơ Ông", "Mlô", "Ding", "Liêng Hot")
HIGHLAND_MALE = ("Khoa", "Bhin", "Ngọc", "Sơn", "Thuật", "Jhon", "Blốc", "Dhăm", "Kuin", "Thơ",
                 "Duôn", "Wai", "Yơn", "Tlang", "Bhiăo", "Lang", "Phơ", "Tuân", "Dăp", "Kông",
                 "Ben", "Jut", "Dưng", "Rê", "Hiệp", "Kô", "Mun", "Nguăn", "Thanh", "Bril")
HIGHLAND_FEMALE = ("Zuin", "Linh", "Hen", "Mai", "Nguyên", "Yên", "Bia", "Ruê", "Hlinh", "Djuê",
                   "Ngơn", "Juen", "Loan", "Mơ", "Hnăm", "Blim", "Nhi", "Khuê", "Dương", "Yam",
                   "Ên", "Duin", "Lê", "Rin", "Xuân", "Nhung", "Wen", "Ly")
JARAI_CLANS = ("Ksor", "Rơ Mah", "Rah Lan", "Siu", "Nay", "Rơ Chăm", "Kpă", "Puih", "Rơ Lan",
               "Kpuih", "Rcom")

# Family names typical of groups whose names follow the Kinh pattern.
KINH_PATTERN_FAMILIES = {
    "Tày": ("Hoàng", "Nông", "Lương", "Ma", "Lục", "Triệu", "Bế", "Hà", "Đàm", "Lộc", "Mông"),
    "Nùng": ("Nông", "Hoàng", "Lý", "Lăng", "Chu", "Triệu", "Vi", "Mã", "Hứa", "Lục", "Lâm"),
    "Mường": ("Bùi", "Đinh", "Quách", "Hà", "Xa", "Cao"),
    "Thái": ("Lò", "Lường", "Cầm", "Vi", "Lang", "Lô", "Hà", "Quàng", "Vì"),
    "Dao": ("Triệu", "Bàn", "Lý", "Đặng", "Chảo", "Phùng"),
    "Sán Dìu": ("Diệp", "Lý", "Trương", "Tạ", "Dương"),
    "Hoa": ("Lâm", "Quách", "Trương", "Lưu", "Mạch", "Tăng"),
    "Khơ-me": ("Thạch", "Sơn", "Danh", "Kim", "Lâm"),
}
HMONG_FAMILIES = ("Giàng", "Thào", "Vàng", "Lầu", "Sùng", "Hạng", "Lý", "Vừ")
HMONG_MALE = ("Páo", "Chứ", "Sính", "Dế", "Tủa", "Khua", "Pó", "Chá", "Lử", "Súa")
HMONG_FEMALE = ("Mỷ", "Dua", "Sua", "Chu", "Mai", "Dợ", "Pà", "Lan")


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def kinh_name(rng: random.Random, sex: Sex, family: str | None = None) -> str:
    family = family or _weighted(rng, KINH_FAMILY)
    if sex is Sex.FEMALE:
        if rng.random() < 0.35:
            return f"{family} {rng.choice(('Thị ', '', 'Thị '))}{rng.choice(FEMALE_PAIRS)}"
        return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"
    return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"


def _highland_given(rng: random.Random, sex: Sex) -> str:
    if sex is Sex.FEMALE:
        return f"H'{rng.choice(HIGHLAND_FEMALE)}"
    return f"Y {rng.choice(HIGHLAND_MALE)}"


def person_name(rng: random.Random, ethnic_group: str, sex: Sex) -> str:
    """A full name as people of ``ethnic_group`` (official spelling) are usually named."""
    if ethnic_group == "Ê-đê":
        return f"{_highland_given(rng, sex)} {rng.choice(EDE_CLANS)}"
    if ethnic_group == "Mnông":
        return f"{_highland_given(rng, sex)} {rng.choice(MNONG_CLANS)}"
    if ethnic_group == "Gia-rai":
        return f"{rng.choice(JARAI_CLANS)} {_highland_given(rng, sex)}"
    if ethnic_group in ("Xơ-đăng", "Ba-na"):
        given = rng.choice(HIGHLAND_FEMALE if sex is Sex.FEMALE else HIGHLAND_MALE)
        return f"{'Y' if sex is Sex.FEMALE else 'A'} {given}"
    if ethnic_group == "Mông":
        family = rng.choice(HMONG_FAMILIES)
        if sex is Sex.FEMALE:
            return f"{family} Thị {rng.choice(HMONG_FEMALE)}"
        return f"{family} A {rng.choice(HMONG_MALE)}"
    families = KINH_PATTERN_FAMILIES.get(ethnic_group)
    return kinh_name(rng, sex, rng.choice(families) if families else None)


# Share of each ethnic group among members (per mille), province-wide.
ETHNIC_MIX = (
    ("Kinh", 800), ("Ê-đê", 70), ("Tày", 25), ("Nùng", 25), ("Mnông", 18), ("Gia-rai", 17),
    ("Mường", 12), ("Thái", 10), ("Dao", 8), ("Mông", 5), ("Hoa", 3), ("Xơ-đăng", 2),
    ("Ba-na", 2), ("Khơ-me", 1), ("Sán Dìu", 2),
)
# Units where ethnic minorities are a larger share of the workforce (multiplier).
MINORITY_WEIGHT = {"647": 2.2, "656": 2.2, "653": 1.8, "646": 1.8, "648": 1.6, "645": 1.5,
                   "652": 1.5, "649": 1.3, "650": 1.3, "651": 1.2, "643": 0.6, "644": 0.9}


def ethnic_group(rng: random.Random, unit_code: str) -> str:
    """An ethnic group for a member working in ``unit_code`` (about 20% minorities)."""
    factor = MINORITY_WEIGHT.get(unit_code, 1.0)
    pairs = [(name, weight if name == "Kinh" else weight * factor) for name, weight in ETHNIC_MIX]
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def introducer_name(rng: random.Random) -> str:
    """A party member who introduces an applicant (mostly Kinh, some Ê-đê)."""
    sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
    return person_name(rng, "Ê-đê" if rng.random() < 0.1 else "Kinh", sex)
