"""User accounts."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from ..errors import OperationRefused
from ..extensions import db
from ..models import Enterprise, Role, Unit


@click.group("users")
def users() -> None:
    """Manage user accounts."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", help="Unit code, for a district officer (e.g. 643).")
@click.option("--enterprise", "tax_code", help="Tax code, for an enterprise officer.")
@click.option("--full-name", default="", help="The person's name, shown in the menu.")
def create_user_command(
    username: str, role: str, unit_code: str | None, tax_code: str | None, full_name: str
) -> None:
    """Create a user; the password is read from a prompt, or from the first line of
    standard input when it is not a terminal."""
    from ..accounts import create_user

    if unit_code and role != Role.DISTRICT.value:
        raise click.ClickException("--unit is only for a district officer (--role district).")
    if tax_code and role != Role.ENTERPRISE.value:
        raise click.ClickException("--enterprise is only for an enterprise officer (--role enterprise).")
    unit_id = enterprise_id = None
    if unit_code:
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise click.ClickException(f"No unit with code {unit_code}.")
    if tax_code:
        enterprise_id = db.session.scalar(select(Enterprise.id).where(Enterprise.tax_code == tax_code))
        if enterprise_id is None:
            raise click.ClickException(f"No enterprise with tax code {tax_code}.")
    password = _read_password()
    try:
        user = create_user(username, password, Role(role), unit_id=unit_id,
                           enterprise_id=enterprise_id, full_name=full_name)
    except OperationRefused as refused:
        db.session.rollback()
        raise click.ClickException(" ".join(refused.messages)) from None
    db.session.commit()
    click.echo(f"Created {user.username} ({role}).")


@users.command("list")
def list_users() -> None:
    """List the accounts with their role and scope."""
    from ..models import User

    for user in db.session.scalars(select(User).order_by(User.username)):
        scope = user.unit.code if user.unit else (user.enterprise.tax_code if user.enterprise else "")
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username}\t{user.role.value}\t{scope}{state}")


COMMANDS = [users]
