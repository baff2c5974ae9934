"""Holding a long transaction's summary changes back and writing them once, at its commit.

An import flushes its rows chunk by chunk, and each chunk's members add to the same few
thousand summary rows of their unit: written flush by flush, 12,000 dossiers made 450,000
upserts of 100,000 rows. Held, the flushes' changes are added up in memory and written once
when the transaction commits (``before_commit``, in that transaction: the dashboards never
see the records without their summaries); a transaction rolled back writes nothing. A dry
run (an import's preview, always rolled back) does not even work them out, and may not
commit.

Savepoints: opened with ``savepoint()``, what the flushes inside add is kept when the
block ends normally and dropped when it raises, as the savepoint is released or rolled
back. While changes are held, a savepoint opened otherwise (``session.begin_nested()``)
is refused: the holder could not tell which flushes its rollback undid.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from .upkeep import HELD, Pending, write


class Held:
    """The changes of the flushes so far: one layer for the transaction, one more for
    each open ``savepoint()``."""

    def __init__(self, dry_run: bool = False) -> None:
        self.layers: list[Pending] = [Pending()]
        self.dry_run = dry_run

    def add(self, pending: Pending) -> None:
        self.layers[-1].merge(pending)

    def write(self, session: Session) -> None:
        """Write everything held (a commit releases the open savepoints too) and start anew."""
        total, *inner = self.layers
        for pending in inner:
            total.merge(pending)
        self.layers = [Pending()]
        if total:
            write(session.connection(), total)


@contextmanager
def holding(session: Session, dry_run: bool = False) -> Iterator[Held]:
    """Hold the summary changes of ``session``'s flushes until it commits (``dry_run``:
    the transaction will be rolled back, the changes are not worked out)."""
    if HELD in session.info:
        raise RuntimeError("summary changes are held already")
    held = session.info[HELD] = Held(dry_run)
    try:
        yield held
    finally:
        session.info.pop(HELD, None)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint around the block: released when it ends normally, rolled back when it
    raises, and with it the summary changes its flushes hold, if any are held."""
    held: Held | None = session.info.get(HELD)
    if held is None:
        with session.begin_nested():
            yield
        return
    depth = len(held.layers)
    held.layers.append(Pending())
    try:
        with session.begin_nested():
            yield
    except BaseException:
        del held.layers[depth:]
        raise
    inner = held.layers.pop()
    held.layers[-1].merge(inner)


def _before_commit(session: Session) -> None:
    held: Held | None = session.info.get(HELD)
    if held is None or session.in_nested_transaction():
        return
    if held.dry_run:
        raise RuntimeError("a dry run is rolled back, never committed")
    session.flush()  # the last changes, held like the others
    held.write(session)


def _after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    held: Held | None = session.info.get(HELD)
    if held is None or not transaction.nested:
        return
    savepoints, outer = 0, transaction
    while outer is not None:
        savepoints += outer.nested
        outer = outer.parent
    if savepoints > len(held.layers) - 1:
        raise RuntimeError("while summary changes are held, open savepoints with holding.savepoint()")


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    held: Held | None = session.info.get(HELD)
    if held is not None and previous.parent is None:  # the transaction itself
        held.layers = [Pending()]


def install() -> None:
    """Listen to every ORM session's commits and rollbacks (once per process)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_create", _after_transaction_create)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
