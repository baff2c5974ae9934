"""The columns of the two import workbooks, and the closed lists their drop-downs offer.

Headers are the Vietnamese words officers already write at the top of their own
workbooks (the reader finds them whatever the case, accents, spacing or order), so they
are data here, not catalogue entries; ``aliases`` are other headers seen in real files,
and the English header for an English workbook. The closed-list values are Vietnamese
too, and every spelling in ``*_WORDS`` is accepted when reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import Education, Ownership, RoleCategory, Sex


@dataclass(frozen=True)
class ImportColumn:
    key: str
    header: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16
    example: object = None
    # Name of the drop-down list (see ``templates.py``), if any.
    choices: str = ""
    max_length: int = 0

    @property
    def title(self) -> str:
        """The header as the template writes it: required columns marked with "*"."""
        return f"{self.header} *" if self.required else self.header


def _c(key: str, header: str, kind: str, **kwargs: object) -> ImportColumn:
    return ImportColumn(key, header, kind, **kwargs)  # type: ignore[arg-type]


ENTERPRISE_COLUMNS: tuple[ImportColumn, ...] = (
    _c("name", "Tên doanh nghiệp", "text", required=True, width=40, max_length=300,
       aliases=("Tên đơn vị", "Doanh nghiệp", "Tên công ty", "Enterprise"),
       example="Công ty TNHH Cà phê Ví Dụ"),
    _c("tax_code", "Mã số thuế", "tax_code", required=True, width=16,
       aliases=("MST", "Mã số doanh nghiệp", "Tax code"), example="6000999999"),
    _c("unit", "Huyện/Thị xã/Thành phố", "unit", required=True, width=28, choices="units",
       aliases=("Huyện", "Huyện/TX/TP", "Địa bàn", "Đơn vị hành chính", "Unit", "District"),
       example="Thành phố Buôn Ma Thuột"),
    _c("ownership", "Loại hình", "ownership", width=26, choices="ownership",
       aliases=("Loại hình doanh nghiệp", "Ownership"), example="Tư nhân"),
    _c("zone", "Khu/Cụm công nghiệp", "zone", width=22, choices="zones",
       aliases=("KCN/CCN", "Khu công nghiệp", "Cụm công nghiệp", "Industrial zone"),
       example="KCN Hòa Phú"),
    _c("workforce", "Số lao động", "int", width=12, aliases=("Tổng số lao động", "Workforce"),
       example=250),
    _c("union_founded_on", "Ngày thành lập CĐCS", "date", width=14,
       aliases=("Ngày thành lập công đoàn cơ sở", "Union founded"), example=date(2015, 3, 2)),
    _c("has_party_org", "Có tổ chức đảng", "yes_no", width=12, choices="yes_no",
       aliases=("Tổ chức đảng", "Party organisation"), example="Có"),
)

DOSSIER_COLUMNS: tuple[ImportColumn, ...] = (
    _c("full_name", "Họ và tên", "name", required=True, width=26, max_length=120,
       aliases=("Họ tên", "Full name"), example="Nguyễn Thị Ví Dụ"),
    _c("birth_date", "Ngày sinh", "date", required=True, width=13,
       aliases=("Ngày tháng năm sinh", "Date of birth"), example=date(1995, 6, 5)),
    _c("sex", "Giới tính", "sex", required=True, width=10, choices="sex",
       aliases=("Nam/Nữ", "Sex"), example="Nữ"),
    _c("ethnic_group", "Dân tộc", "ethnic_group", required=True, width=12, choices="ethnic_groups",
       aliases=("Ethnic group",), example="Ê Đê"),
    _c("religion", "Tôn giáo", "religion", width=12, choices="religions",
       aliases=("Religion",), example="Không"),
    _c("citizen_id", "Số CCCD", "citizen_id", required=True, width=16,
       aliases=("CCCD", "Số căn cước công dân", "Căn cước công dân", "Số CMND/CCCD",
                "Số định danh cá nhân", "Citizen ID"), example="066195001234"),
    _c("phone", "Điện thoại", "phone", width=14, aliases=("Số điện thoại", "SĐT", "Phone"),
       example="0905123456"),
    _c("tax_code", "Mã số thuế doanh nghiệp", "tax_code", required=True, width=16,
       aliases=("Mã số thuế", "MST doanh nghiệp", "MST", "Enterprise tax code"),
       example="6000999999"),
    _c("role_category", "Vị trí công việc", "role_category", required=True, width=24,
       choices="role_categories", aliases=("Vị trí", "Đối tượng", "Role"),
       example="Công nhân, người lao động"),
    _c("union_joined_on", "Ngày vào công đoàn", "date", width=13,
       aliases=("Ngày kết nạp công đoàn", "Joined the union"), example=date(2016, 1, 4)),
    _c("education", "Trình độ học vấn", "education", width=16, choices="education",
       aliases=("Trình độ văn hóa", "Học vấn", "Education"), example="12/12"),
    _c("youth_union_member", "Đoàn viên thanh niên", "yes_no", width=12, choices="yes_no",
       aliases=("Đoàn viên", "Youth Union member"), example="Có"),
    _c("party_cell", "Tên chi bộ", "text", width=22, max_length=200,
       aliases=("Chi bộ", "Party cell"), example="Chi bộ Công ty Ví Dụ"),
    _c("cell_is_grassroots", "Chi bộ cơ sở", "yes_no", width=10, choices="yes_no",
       aliases=("Chi bộ là tổ chức cơ sở đảng",), example="Không"),
    _c("identified_on", "Ngày phát hiện bồi dưỡng", "date", width=13,
       aliases=("Ngày phát hiện", "Identified"), example=date(2020, 1, 10)),
    _c("trained_on", "Ngày cấp giấy chứng nhận", "date", width=13,
       aliases=("Ngày cấp giấy chứng nhận bồi dưỡng", "Awareness course"),
       example=date(2020, 2, 14)),
    _c("certificate_no", "Số giấy chứng nhận", "text", width=12, max_length=50,
       aliases=("Số GCN", "Certificate no."), example="125/GCN"),
    _c("applied_on", "Ngày làm đơn", "date", width=13,
       aliases=("Ngày làm đơn xin vào Đảng", "Application"), example=date(2020, 3, 2)),
    _c("verified_on", "Ngày thẩm tra lý lịch", "date", width=13,
       aliases=("Ngày thẩm tra", "Background verified"), example=date(2020, 3, 20)),
    _c("introduced_on", "Ngày BCH CĐCS giới thiệu", "date", width=13,
       aliases=("Ngày giới thiệu", "Introduced"), example=date(2020, 4, 1)),
    _c("introduction_resolution_no", "Số nghị quyết giới thiệu", "text", width=14,
       max_length=50, aliases=("Số nghị quyết", "Resolution no."), example="12/NQ-CĐCS"),
    _c("introducer_name", "Đảng viên giới thiệu", "name", width=22, max_length=120,
       aliases=("Người giới thiệu", "Introducer"), example="Trần Văn Mẫu"),
    _c("introducer_since", "Cùng công tác từ ngày", "date", width=13,
       aliases=("Ngày cùng công tác", "Worked together since"), example=date(2018, 5, 2)),
    _c("cell_resolved_on", "Ngày chi bộ xét", "date", width=13,
       aliases=("Ngày chi bộ họp xét", "Cell resolution"), example=None),
    _c("cell_votes_for", "Số phiếu tán thành ở chi bộ", "int", width=10,
       aliases=("Chi bộ tán thành",)),
    _c("cell_members", "Số đảng viên chính thức của chi bộ", "int", width=10,
       aliases=("Đảng viên chính thức chi bộ",)),
    _c("committee_resolved_on", "Ngày đảng ủy cơ sở xét", "date", width=13,
       aliases=("Ngày đảng ủy xét", "Committee resolution")),
    _c("committee_votes_for", "Số phiếu tán thành ở đảng ủy", "int", width=10,
       aliases=("Đảng ủy tán thành",)),
    _c("committee_members", "Số đảng ủy viên", "int", width=10,
       aliases=("Số ủy viên đảng ủy",)),
    _c("admission_decision_no", "Số quyết định kết nạp", "text", width=14, max_length=50,
       aliases=("Số QĐ kết nạp", "Decision no."), example=None),
    _c("admitted_on", "Ngày quyết định kết nạp", "date", width=13,
       aliases=("Ngày kết nạp", "Admitted")),
    _c("sworn_in_on", "Ngày lễ kết nạp", "date", width=13, aliases=("Sworn in",)),
    _c("official_on", "Ngày công nhận chính thức", "date", width=13,
       aliases=("Ngày chuyển chính thức", "Official member")),
    _c("official_decision_no", "Số quyết định công nhận chính thức", "text", width=14,
       max_length=50, aliases=("Số QĐ công nhận chính thức",)),
    _c("note", "Ghi chú", "text", width=30, max_length=1000, aliases=("Note",)),
)

# Closed lists: the word the template offers first, then other spellings people write.
SEX_WORDS: dict[Sex, tuple[str, ...]] = {
    Sex.MALE: ("Nam", "M", "Male", "Trai"),
    Sex.FEMALE: ("Nữ", "F", "Female", "Gái"),
}
YES_NO_WORDS: dict[bool, tuple[str, ...]] = {
    True: ("Có", "x", "Yes", "Y", "1", "Đã có", "Rồi", "True", "Đúng"),
    False: ("Không", "No", "N", "0", "Chưa", "Chưa có", "Không có", "False", "-"),
}
ROLE_WORDS: dict[RoleCategory, tuple[str, ...]] = {
    RoleCategory.WORKER: ("Công nhân, người lao động", "Công nhân", "Người lao động",
                          "Lao động", "CNLĐ", "Worker"),
    RoleCategory.MANAGER: ("Cán bộ quản lý", "Quản lý", "Lãnh đạo quản lý", "Manager"),
    RoleCategory.UNION_OFFICER: ("Cán bộ công đoàn", "Công đoàn", "Cán bộ CĐCS",
                                 "Union officer"),
    RoleCategory.YOUTH_OFFICER: ("Cán bộ Đoàn thanh niên", "Cán bộ Đoàn", "Đoàn thanh niên",
                                 "Youth officer"),
    RoleCategory.BUSINESS_OWNER: ("Chủ doanh nghiệp", "Chủ DN", "Business owner", "Owner"),
}
OWNERSHIP_WORDS: dict[Ownership, tuple[str, ...]] = {
    Ownership.STATE: ("Nhà nước", "Doanh nghiệp nhà nước", "DNNN", "State"),
    Ownership.FOREIGN: ("Có vốn đầu tư nước ngoài", "FDI", "Vốn nước ngoài", "Foreign"),
    Ownership.PRIVATE: ("Tư nhân", "Ngoài nhà nước", "Ngoài quốc doanh", "Dân doanh",
                        "Private"),
    Ownership.COOPERATIVE: ("Hợp tác xã", "HTX", "Cooperative"),
}
EDUCATION_WORDS: dict[Education, tuple[str, ...]] = {
    Education.PRIMARY: ("Tiểu học", "Cấp 1", "Primary"),
    Education.LOWER_SECONDARY: ("Trung học cơ sở", "THCS", "Cấp 2", "Lower secondary"),
    Education.UPPER_SECONDARY: ("Trung học phổ thông", "THPT", "Cấp 3", "Bổ túc THPT",
                                "Upper secondary"),
}
# Studies beyond school: general education is then upper secondary, and the words are
# kept as the person's qualification.
FURTHER_STUDIES = ("Đại học", "Cao đẳng", "Trung cấp", "Thạc sĩ", "Tiến sĩ", "Sau đại học")
NO_RELIGION = ("Không", "Không có", "Không theo tôn giáo nào", "0", "-", "None")


def first_words(words: dict) -> list[str]:
    """The word offered in the drop-down for each value."""
    return [spellings[0] for spellings in words.values()]
