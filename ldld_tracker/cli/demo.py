"""The demo data set (``seed-demo``): for trying the app, never for real work."""

from __future__ import annotations

import time

import click

from ..errors import OperationRefused
from ..extensions import db


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already holds enterprises.")
@click.option("--seed", type=int, default=None, help="Random seed; the same seed gives the same data.")
def seed_demo(if_empty: bool, seed: int | None) -> None:
    """Load fictitious enterprises, members, dossiers, targets and demo accounts for 2020."""
    from ..demo import DEFAULT_SEED, DEMO_PASSWORD, DEMO_USERS
    from ..demo import seed_demo as load
    from ..demo.seed import has_enterprises
    from ..security import is_production

    if is_production():
        if if_empty:
            click.echo("LDLD_ENV=production: demo data not loaded.")
            return
        raise click.ClickException("LDLD_ENV=production: demo data is never loaded in production.")
    if if_empty and has_enterprises():
        click.echo("The database already holds enterprises: demo data not loaded.")
        return
    started = time.perf_counter()
    try:
        counts = load(DEFAULT_SEED if seed is None else seed)
    except OperationRefused as refused:
        db.session.rollback()
        raise click.ClickException(" ".join(str(m) for m in refused.messages)) from None
    db.session.commit()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items())
               + f" ({time.perf_counter() - started:.1f} s)")
    click.echo(f"Demo accounts ({', '.join(u for u, _r, _n in DEMO_USERS)}), "
               f"password for all: {DEMO_PASSWORD}  (demo data only)")


COMMANDS = [seed_demo]
