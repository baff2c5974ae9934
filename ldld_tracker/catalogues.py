"""Compiling the translation catalogues strictly.

``pybabel compile`` only warns about a malformed .po file and still writes a .mo from what
it could read, so a broken catalogue would silently show English. Here a syntax error or a
placeholder that differs from the msgid stops the build, and fuzzy (guessed) entries are
never compiled. Run as ``python -m ldld_tracker.catalogues`` (``make translations``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


class CatalogueError(Exception):
    """A catalogue that must not be compiled; the message says which file and line."""


def po_files(directory: Path = TRANSLATIONS) -> list[Path]:
    return sorted(directory.glob("*/LC_MESSAGES/messages.po"))


def load(path: Path) -> Catalog:
    """Read a .po file, refusing anything malformed instead of skipping it."""
    locale = path.parent.parent.name
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except PoFileError as error:
        raise CatalogueError(f"{path}: {error}") from error


def check(path: Path, catalog: Catalog) -> None:
    """Babel's own checks (placeholders of python-format entries, plural forms)."""
    problems = [
        f"{path}:{message.lineno}: {error} (msgid {message.id!r})"
        for message, errors in catalog.check()
        if not message.fuzzy
        for error in errors
    ]
    if problems:
        raise CatalogueError("\n".join(problems))


def compile_all(directory: Path = TRANSLATIONS, *, stale_only: bool = False) -> list[Path]:
    """Write messages.mo next to each messages.po; return the files written."""
    written = []
    for po in po_files(directory):
        mo = po.with_suffix(".mo")
        if stale_only and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = load(po)
        check(po, catalog)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def main() -> int:
    try:
        written = compile_all(stale_only="--stale-only" in sys.argv[1:])
    except CatalogueError as error:
        print(f"Translation catalogue error:\n{error}", file=sys.stderr)
        return 1
    for mo in written:
        print(f"compiled {mo.relative_to(Path.cwd()) if mo.is_relative_to(Path.cwd()) else mo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
