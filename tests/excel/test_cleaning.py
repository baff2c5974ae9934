"""The mess of real workbooks, cell by cell: accepted where the meaning is certain,
reported where it is not."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from ldld_tracker.excel import cleaning
from ldld_tracker.excel.cleaning import CellError, Cleaner
from ldld_tracker.excel.columns import DOSSIER_COLUMNS, ENTERPRISE_COLUMNS
from ldld_tracker.excel.legacy_fonts import decode
from ldld_tracker.models import Education, Ownership, RoleCategory, Sex

COLUMNS = {c.key: c for c in (*ENTERPRISE_COLUMNS, *DOSSIER_COLUMNS)}


@pytest.mark.parametrize("raw", [date(2020, 6, 5), datetime(2020, 6, 5, 0, 0), "05/06/2020",
                                 "5/6/2020", "05-06-2020", "5/6/20", "05.06.2020", " 05/6/2020 ",
                                 "2020-06-05", 43987])
def test_dates_as_excel_dates_text_or_serial_numbers(raw):
    assert cleaning.day(raw) == date(2020, 6, 5)


@pytest.mark.parametrize("raw", ["31/02/2020", "6/25/2020", "ngày 5", "2020", True])
def test_impossible_or_unclear_dates_are_reported(raw):
    with pytest.raises(CellError):
        cleaning.day(raw)


@pytest.mark.parametrize("raw,expected", [(250, 250), (250.0, 250), ("250", 250), ("1.200", 1200),
                                          (" 1 200 ", 1200)])
def test_numbers_stored_as_text_are_numbers(raw, expected):
    assert cleaning.integer(raw) == expected


@pytest.mark.parametrize("raw", ["12a", 2.5, "hai"])
def test_what_is_not_a_whole_number_is_reported(raw):
    with pytest.raises(CellError):
        cleaning.integer(raw)


@pytest.mark.parametrize("raw", [66190001234, 66190001234.0, "66190001234", "066190001234",
                                 "066 190 001 234", "066.190.001.234"])
def test_citizen_id_that_lost_its_leading_zero_is_restored(raw):
    assert cleaning.citizen_id(raw) == "066190001234"


@pytest.mark.parametrize("raw,word", [("241234567", "9-digit"), ("6619000123", "12 digits"),
                                      ("0661900012345", "12 digits"), ("06619000123A", "12 digits"),
                                      ("6.6E+10", "12 digits")])
def test_other_wrong_citizen_ids_are_reported(raw, word):
    with pytest.raises(CellError) as error:
        cleaning.citizen_id(raw)
    assert word in error.value.message


@pytest.mark.parametrize("raw,expected", [(6000111222, "6000111222"), (100109106, "0100109106"),
                                          ("6000111222-001", "6000111222001")])
def test_tax_codes_as_numbers_or_with_branch_suffix(raw, expected):
    assert cleaning.tax_code(raw) == expected


def test_phone_number_that_lost_its_zero_is_restored():
    assert cleaning.phone(905123456) == "0905123456"


def test_decomposed_unicode_is_composed_and_spaces_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị  Hòa \u200b")
    assert cleaning.text(decomposed) == "Nguyễn Thị Hòa"
    assert unicodedata.is_normalized("NFC", cleaning.text(decomposed))


@pytest.mark.parametrize("raw,expected", [("NGUYỄN VĂN ĐẠT", "Nguyễn Văn Đạt"),
                                          ("trần thị ánh", "Trần Thị Ánh"),
                                          ("H'HEN NIÊ", "H'Hen Niê"),
                                          ("Nguyễn Văn An", "Nguyễn Văn An")])
def test_names_in_capitals_get_normal_case_with_vietnamese_letters_intact(raw, expected):
    assert cleaning.name(raw) == expected


def test_a_text_our_export_neutralised_comes_back_as_typed():
    assert cleaning.text("'=SUM(A1)") == "=SUM(A1)"


def test_eth_typed_for_d_with_stroke_is_corrected():
    assert cleaning.text("Ðỗ Văn Ðức") == "Đỗ Văn Đức"


@pytest.mark.parametrize("raw,code", [("TP. BMT", "643"), ("Thành phố Buôn Ma Thuột", "643"),
                                      ("buon ma thuot", "643"), ("Krông Ana", "655"),
                                      ("Huyện Krông A Na", "655"), ("Krông Pắk", "654"),
                                      ("H. Krông Pắc", "654"), ("M'Drắk", "652"), ("Cư Mgar", "648"),
                                      ("Ea Hleo", "645"), ("TX. Buôn Hồ", "644"), ("643", "643")])
def test_unit_names_with_their_spelling_variants(app, raw, code):
    assert Cleaner().parse(COLUMNS["unit"], raw).code == code


def test_unknown_unit_is_reported(app):
    with pytest.raises(CellError) as error:
        Cleaner().parse(COLUMNS["unit"], "Quận 1")
    assert "Quận 1" in error.value.message


@pytest.mark.parametrize("raw", ["Ê Đê", "Ê-đê", "Êđê", "ê đê", "Ede", "EDE"])
def test_ethnic_group_spellings(app, raw):
    assert Cleaner().parse(COLUMNS["ethnic_group"], raw).name == "Ê-đê"


@pytest.mark.parametrize("raw,expected", [("Nam", Sex.MALE), ("nữ", Sex.FEMALE), ("NU", Sex.FEMALE)])
def test_sex(app, raw, expected):
    assert Cleaner().parse(COLUMNS["sex"], raw) is expected


@pytest.mark.parametrize("raw,expected", [("Có", True), ("x", True), ("co", True), ("Không", False),
                                          ("khong", False), (1, True)])
def test_yes_no(app, raw, expected):
    assert Cleaner().parse(COLUMNS["youth_union_member"], raw) is expected


@pytest.mark.parametrize("raw,expected", [("Công nhân", RoleCategory.WORKER),
                                          ("CÁN BỘ CÔNG ĐOÀN", RoleCategory.UNION_OFFICER),
                                          ("Chủ doanh nghiệp", RoleCategory.BUSINESS_OWNER)])
def test_role_categories(app, raw, expected):
    assert Cleaner().parse(COLUMNS["role_category"], raw) is expected


def test_ownership_words(app):
    assert Cleaner().parse(COLUMNS["ownership"], "FDI") is Ownership.FOREIGN
    assert Cleaner().parse(COLUMNS["ownership"], "tư nhân") is Ownership.PRIVATE


@pytest.mark.parametrize("raw,level,qualification", [
    ("12/12", Education.UPPER_SECONDARY, ""), ("9/12", Education.LOWER_SECONDARY, ""),
    ("7/12", Education.PRIMARY, ""), ("THCS", Education.LOWER_SECONDARY, ""),
    ("Đại học", Education.UPPER_SECONDARY, "Đại học")])
def test_education_as_officers_write_it(app, raw, level, qualification):
    assert Cleaner().parse(COLUMNS["education"], raw) == (level, qualification)


def test_a_value_outside_a_closed_list_names_the_choices(app):
    with pytest.raises(CellError) as error:
        Cleaner().parse(COLUMNS["sex"], "Khác")
    assert "Nam" in error.value.message and "Nữ" in error.value.message


def test_religion_none_and_names(app):
    assert Cleaner().parse(COLUMNS["religion"], "Không") is None
    assert Cleaner().parse(COLUMNS["religion"], "Thiên Chúa giáo").name == "Công giáo"


def test_required_empty_cell_is_reported_and_optional_one_is_none(app):
    with pytest.raises(CellError):
        Cleaner().parse(COLUMNS["full_name"], "  ")
    assert Cleaner().parse(COLUMNS["phone"], None) is None


@pytest.mark.parametrize("legacy,unicode_text", [
    ("NguyÔn V¨n §¹t", "Nguyễn Văn Đạt"),
    ("§¾k L¾k", "Đắk Lắk"),
    ("Bu«n Ma Thuét", "Buôn Ma Thuột"),
    ("Tr\u00adêng ThÞ Hoµ", "Trường Thị Hoà"),
    ("C«ng ty TNHH Th¸i B×nh", "Công ty TNHH Thái Bình"),
    ("NGUYÔN V¡N AN", "NGUYỄN VĂN AN"),
])
def test_tcvn3_text_is_converted(legacy, unicode_text):
    decoded = decode(legacy)
    assert (decoded.text, decoded.encoding) == (unicode_text, "tcvn3")


@pytest.mark.parametrize("legacy,unicode_text", [
    ("Nguyeãn Vaên Ñaït", "Nguyễn Văn Đạt"),
    ("Ñaék Laék", "Đắk Lắk"),
    ("Buoân Ma Thuoät", "Buôn Ma Thuột"),
    ("Tröông Thò Hoaø", "Trương Thị Hoà"),
    ("Huyeän Cö M'gar", "Huyện Cư M'gar"),
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
])
def test_vni_text_is_converted(legacy, unicode_text):
    decoded = decode(legacy)
    assert (decoded.text, decoded.encoding) == (unicode_text, "vni")


@pytest.mark.parametrize("text", ["Nguyễn Văn Đạt", "Ông Trí", "Cà phê", "Y Mlô Êban", "Công ty Nestlé",
                                  "Ea H'leo", "H'Hen Niê", "Kinh", "Phạm Thị Ý"])
def test_unicode_text_is_never_converted(text):
    assert decode(text).text == text and not decode(text).doubtful


def test_uncertain_old_font_text_is_reported_not_guessed():
    assert decode("Công ty Müller").doubtful
    with pytest.raises(CellError) as error:
        cleaning.text("Công ty Müller")
    assert "TCVN3" in error.value.message


def test_cleaning_converts_legacy_text_before_matching_lists(app):
    assert Cleaner().parse(COLUMNS["unit"], "Bu«n Ma Thuét").code == "643"
    assert Cleaner().parse(COLUMNS["ethnic_group"], "£ §ª").name == "Ê-đê"
    assert Cleaner().parse(COLUMNS["full_name"], "NGUYEÃN THÒ BÌNH") == "Nguyễn Thị Bình"


@pytest.mark.parametrize("raw", ["０６６１９０００１２３４", "066190001234"])
def test_full_width_digits_are_read_as_digits(raw):
    assert cleaning.citizen_id(raw) == "066190001234"


def test_digits_of_other_scripts_are_refused():
    with pytest.raises(CellError):
        cleaning.citizen_id("٠٦٦١٩٠٠٠١٢٣٤")
