"""Made-up enterprises across the 15 units of 2020, some in KCN Hòa Phú and the clusters.

Names join a legal form, a trade common in Đắk Lắk (coffee, rubber, pepper, wood, cassava
starch …) and an invented brand; tax codes sit in one block (6000 9xxxxx) that a reader of
the demo can recognise. Nothing here names a real company.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Ownership

# Enterprises per unit, and how many of them sit in each industrial zone or cluster.
PER_UNIT = {
    "643": 46, "644": 9, "645": 8, "646": 6, "647": 6, "648": 9, "649": 7, "650": 8,
    "651": 10, "652": 6, "653": 6, "654": 10, "655": 7, "656": 5, "657": 7,
}
IN_ZONES = {
    "643": (("KCN Hòa Phú", 20), ("CCN Tân An 1", 4), ("CCN Tân An 2", 3)),
    "645": (("CCN Ea Ral", 2),),
    "649": (("CCN Krông Búk 1", 2),),
    "651": (("CCN Ea Đar", 2),),
}
OWNERSHIP_MIX = ((Ownership.PRIVATE, 62), (Ownership.COOPERATIVE, 15), (Ownership.STATE, 11),
                 (Ownership.FOREIGN, 12))
ZONE_OWNERSHIP_MIX = ((Ownership.PRIVATE, 60), (Ownership.FOREIGN, 32), (Ownership.STATE, 8))

TRADES = ("Chế biến Cà phê", "Chế biến Nông sản", "Cao su", "Hồ tiêu", "Ca cao", "Chế biến Gỗ",
          "May mặc", "Xây dựng", "Vận tải", "Vật liệu Xây dựng", "Thức ăn Chăn nuôi",
          "Tinh bột Sắn", "Cơ khí", "Bao bì", "Dược phẩm", "Nước giải khát", "In", "Năng lượng",
          "Thương mại Dịch vụ", "Du lịch Khách sạn", "Trái cây Xuất khẩu", "Phân bón", "Nội thất",
          "Xuất nhập khẩu Nông sản", "Chăn nuôi", "Điện Mặt trời")
ZONE_TRADES = ("Chế biến Nông sản", "Chế biến Gỗ", "May mặc", "Bao bì", "Thức ăn Chăn nuôi",
               "Cơ khí", "Dược phẩm", "Chế biến Cà phê", "Nội thất", "Tinh bột Sắn")
STATE_TRADES = ("Lâm nghiệp", "Cà phê", "Cao su", "Cấp thoát nước", "Môi trường Đô thị",
                "Quản lý Công trình Giao thông", "Thủy nông", "Giống Cây trồng")
COOP_TRADES = ("Nông nghiệp Dịch vụ", "Cà phê", "Sản xuất Kinh doanh Dịch vụ", "Vận tải",
               "Dệt thổ cẩm", "Nấm và Dược liệu", "Mắc ca", "Rau an toàn", "Sầu riêng")
BRAND_FIRST = ("Hòa", "Tân", "Phú", "Minh", "An", "Thịnh", "Việt", "Bảo", "Kim", "Trường",
               "Hưng", "Lộc", "Ngọc", "Đông", "Nam", "Sao", "Hoàng", "Thành", "Đại", "Quang",
               "Thiên", "Phúc", "Gia", "Nhật", "Hải", "Vĩnh", "Mỹ", "Tường", "Khánh")
BRAND_SECOND = ("Lâm", "Phát", "Thành", "Hưng", "Lộc", "Nguyên", "Thịnh", "Long", "Sơn", "Mai",
                "Việt", "An", "Phong", "Tiến", "Hà", "Khang", "Hòa", "Tín", "Đạt", "Xanh", "Bình",
                "Uy", "Quý", "Trí")
FOREIGN_FIRST = ("Sun", "Blue", "Green", "Silver", "Golden", "East", "North", "Jade", "Coral",
                 "Amber", "Crystal", "Maple", "Pine", "Cloud")
FOREIGN_SECOND = ("ridge", "vale", "field", "brook", "leaf", "stone", "bridge", "harvest",
                  "crest", "wood", "haven", "gate")
FOREIGN_TRADES = ("Agro", "Foods", "Wood", "Garment", "Packaging", "Coffee", "Pharma", "Feed")
TAX_CODE_BASE = 6000900000


@dataclass
class EnterpriseSpec:
    """What the demo will insert for one enterprise."""

    name: str
    tax_code: str
    unit_code: str
    zone: str | None
    ownership: Ownership
    workforce: int
    union_founded_on: date
    has_party_org: bool
    party_org_since: date | None


def _brand(rng: random.Random) -> str:
    first = rng.choice(BRAND_FIRST)
    second = rng.choice([w for w in BRAND_SECOND if w != first])
    return f"{first} {second}"


def _name(rng: random.Random, ownership: Ownership, in_zone: bool) -> str:
    if ownership is Ownership.FOREIGN:
        brand = rng.choice(FOREIGN_FIRST) + rng.choice(FOREIGN_SECOND)
        return f"Công ty TNHH {brand} {rng.choice(FOREIGN_TRADES)} Việt Nam"
    if ownership is Ownership.COOPERATIVE:
        return f"Hợp tác xã {rng.choice(COOP_TRADES)} {_brand(rng)}"
    if ownership is Ownership.STATE:
        form = rng.choice(("Công ty TNHH MTV", "Công ty TNHH MTV", "Công ty Cổ phần"))
        return f"{form} {rng.choice(STATE_TRADES)} {_brand(rng)}"
    trade = rng.choice(ZONE_TRADES if in_zone else TRADES)
    form = rng.choices(("Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân"), (55, 35, 10))[0]
    if form == "Doanh nghiệp tư nhân":
        return f"{form} {_brand(rng)}"
    return f"{form} {trade} {_brand(rng)}"


def _workforce(rng: random.Random, ownership: Ownership, in_zone: bool) -> int:
    if ownership is Ownership.COOPERATIVE:
        return rng.randint(12, 70)
    if ownership is Ownership.FOREIGN:
        return rng.randint(150, 1800)
    if ownership is Ownership.STATE:
        return rng.randint(120, 900)
    low, high = (80, 900) if in_zone else (20, 450)
    return int(low + (high - low) * rng.random() ** 2)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _party_org(rng: random.Random, ownership: Ownership, workforce: int) -> bool:
    chance = {Ownership.STATE: 0.9, Ownership.FOREIGN: 0.2, Ownership.COOPERATIVE: 0.15}
    default = 0.45 if workforce > 200 else 0.12
    return rng.random() < chance.get(ownership, default)


def plan_enterprises(rng: random.Random) -> list[EnterpriseSpec]:
    """About 150 enterprises, in a fixed order (unit by unit)."""
    specs: list[EnterpriseSpec] = []
    used: set[str] = set()
    tax_number = TAX_CODE_BASE
    for unit_code, count in PER_UNIT.items():
        zones = [zone for zone, n in IN_ZONES.get(unit_code, ()) for _ in range(n)]
        for index in range(count):
            zone = zones[index] if index < len(zones) else None
            mix = ZONE_OWNERSHIP_MIX if zone else OWNERSHIP_MIX
            ownership = rng.choices([o for o, _w in mix], [w for _o, w in mix])[0]
            name = _name(rng, ownership, zone is not None)
            while name in used:
                name = _name(rng, ownership, zone is not None)
            used.add(name)
            tax_number += rng.randint(11, 700)
            tax_code = str(tax_number)
            if ownership is Ownership.PRIVATE and rng.random() < 0.03:
                tax_code += "001"  # a branch registered under its parent's code
            workforce = _workforce(rng, ownership, zone is not None)
            founded = _day_between(rng, date(1996, 1, 1), date(2018, 12, 31))
            has_org = _party_org(rng, ownership, workforce)
            since = None
            if has_org:
                since = _day_between(rng, founded, min(founded + timedelta(days=8 * 365),
                                                       date(2019, 6, 30)))
            specs.append(EnterpriseSpec(name, tax_code, unit_code, zone, ownership, workforce,
                                        founded, has_org, since))
    return specs
