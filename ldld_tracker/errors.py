"""Refusals that operations raise and views turn into Vietnamese messages (never a 500)."""

from __future__ import annotations


class OperationRefused(Exception):
    """An operation refused to change anything; ``messages`` say why, for the user."""

    def __init__(self, *messages: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]
        self.field_errors = field_errors or {}


class RuleViolation(OperationRefused):
    """A milestone broke one of the Party's rules; ``findings`` include any warnings."""

    def __init__(self, findings: list) -> None:
        self.findings = findings
        super().__init__(*(f.message for f in findings if f.blocking))


class EditConflict(OperationRefused):
    """Someone else saved the same record since this form was opened."""
