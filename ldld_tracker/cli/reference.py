"""Reference data from seed_data/."""

from __future__ import annotations

import click

from ..extensions import db


@click.command("seed-reference")
def seed_reference() -> None:
    """Load or update the territory, ethnic groups, religions and plans from seed_data/."""
    from ..reference import load_reference_data

    counts = load_reference_data()
    db.session.commit()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


COMMANDS = [seed_reference]
