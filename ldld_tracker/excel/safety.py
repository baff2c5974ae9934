"""Both directions of workbook safety.

Out: text that came from a user must never run as a formula in the reader's spreadsheet
(an officer's note "=HYPERLINK(...)" would otherwise be live in every exported report).
In: an uploaded file is checked as an archive *before* any XML is parsed, so a renamed
macro workbook, an old binary .xls, a CSV, a truncated download or a zip bomb gets a clear
message instead of a crash or an exhausted server; XML bombs inside a well-formed archive
are refused by ``defusedxml``, which openpyxl uses when it is installed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from flask_babel import gettext as _

# Characters that make a spreadsheet treat a cell's text as a formula (or start one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# An ordinary .xlsx unpacks to 5-30 times its size; a zip bomb to thousands of times.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150
MAX_MEMBERS = 2_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MACRO_CONTENT_TYPE = b"macroenabled"


class UnsafeWorkbook(Exception):
    """The file is not a workbook we will open; ``message`` tells the user what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def neutralise(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def strip_neutralising_quote(text: str) -> str:
    """Undo ``neutralise`` on text read back from one of our own exports."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def ensure_defused() -> None:
    """Refuse to read any upload when openpyxl would parse XML without defusedxml."""
    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise RuntimeError("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not False) "
                           "before workbooks are read: it stops XML bombs.")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    for encoding in ("utf-8", "utf-16", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable >= 0.95 * len(text)
    return False


def _refuse_by_signature(head: bytes) -> None:
    if head.startswith(OLE_SIGNATURE):
        raise UnsafeWorkbook(_(
            "This is an old Excel 97-2003 workbook (.xls) or an encrypted file. Open it in "
            "Excel or LibreOffice, save it as an Excel workbook (.xlsx) without a password, "
            "and upload that file."))
    if not head.startswith(ZIP_SIGNATURE):
        if _looks_like_text(head):
            raise UnsafeWorkbook(_(
                "This is a text or CSV file, not an Excel workbook. Open it in Excel or "
                "LibreOffice and save it as an Excel workbook (.xlsx)."))
        raise UnsafeWorkbook(_("This file is not an Excel workbook (.xlsx)."))


def _check_members(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "mimetype" in names and "content.xml" in names:
        raise UnsafeWorkbook(_(
            "This is an OpenDocument spreadsheet (.ods). Save it as an Excel workbook (.xlsx)."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeWorkbook(_("This file is not an Excel workbook (.xlsx)."))
    if len(infos) > MAX_MEMBERS:
        raise UnsafeWorkbook(_("This workbook has an unusual structure and was refused."))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(_(
                "This file unpacks to far more data than a workbook of its size can hold and "
                "was refused."))
    if total > MAX_UNPACKED_BYTES:
        raise UnsafeWorkbook(_("This workbook is too large to import (too much data once "
                               "unpacked). Split it into several files."))
    content_types = archive.getinfo("[Content_Types].xml")
    if content_types.file_size > 1024 * 1024:
        raise UnsafeWorkbook(_("This workbook has an unusual structure and was refused."))
    macro = (any(name.lower().endswith("vbaproject.bin") for name in names)
             or MACRO_CONTENT_TYPE in archive.read(content_types).lower())
    if macro:
        raise UnsafeWorkbook(_(
            "This workbook contains macros (.xlsm). Save it as an ordinary Excel workbook "
            "(.xlsx), without macros, and upload that file."))


def check_workbook_file(path: Path | str) -> None:
    """Raise ``UnsafeWorkbook`` unless ``path`` is a plain .xlsx of acceptable size.

    Only the archive's directory and content types are read here: nothing is unpacked.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UnsafeWorkbook(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise UnsafeWorkbook(_("The file is too large (at most 20 MB). Split it into several "
                               "files."))
    with open(path, "rb") as handle:
        head = handle.read(4096)
    _refuse_by_signature(head)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError):
        raise UnsafeWorkbook(damaged_message()) from None


def damaged_message() -> str:
    return _("The file is damaged or incomplete (an upload or an e-mail attachment may have "
             "been cut short). Open it in Excel, save it again as .xlsx and upload that file.")
