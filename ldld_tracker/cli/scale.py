"""The scale data set (``seed-scale``): province- or country-sized fictitious data for the
benchmarks (``make bench``), never for real work."""

from __future__ import annotations

import re
import time

import click

from ..errors import OperationRefused
from ..extensions import db


def _years(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", value)
    if not match:
        raise click.BadParameter("write the years as 2020-2025 (or one year: 2020)")
    first = int(match.group(1))
    return first, int(match.group(2) or first)


@click.command("seed-scale")
@click.option("--enterprises", type=click.IntRange(min=0), default=1500, show_default=True)
@click.option("--members", type=click.IntRange(min=0), default=80_000, show_default=True)
@click.option("--dossiers", type=click.IntRange(min=0), default=12_000, show_default=True)
@click.option("--years", callback=_years, default="2020-2025", show_default=True,
              help="The plans' years; dossiers are spread over them.")
@click.option("--seed", type=int, default=None, help="Random seed; the same seed gives the same data.")
@click.option("--analyze/--no-analyze", default=True, show_default=True,
              help="Refresh the query planner's statistics afterwards (ANALYZE).")
def seed_scale(enterprises: int, members: int, dossiers: int, years: tuple[int, int],
               seed: int | None, analyze: bool) -> None:
    """Load fictitious enterprises, members and dossiers at scale, with plans, targets and
    reported totals for every year. Beyond 1,500 enterprises, fictitious districts (codes
    9GGDD) are added so the data spreads like a country's."""
    from ..demo.scale import DEFAULT_SEED, ScaleSpec
    from ..demo.scale import seed_scale as load
    from ..security import is_production

    if is_production():
        raise click.ClickException("LDLD_ENV=production: scale data is never loaded in production.")
    spec = ScaleSpec(enterprises, members, dossiers, years[0], years[1],
                     DEFAULT_SEED if seed is None else seed)
    started = time.perf_counter()

    def report(done: int, groups: int) -> None:
        if groups > 1:
            click.echo(f"  province group {done}/{groups} written "
                       f"({time.perf_counter() - started:.0f} s)", err=True)

    try:
        counts = load(spec, report)
    except OperationRefused as refused:
        db.session.rollback()
        raise click.ClickException(" ".join(str(m) for m in refused.messages)) from None
    db.session.commit()
    if analyze:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items())
               + f" ({time.perf_counter() - started:.1f} s)")


COMMANDS = [seed_scale]
