"""`cssite kpi`: placeholder until the KPI engine lands (see issue 4)."""

import click


@click.command("kpi")
def kpi() -> None:
    """Compute KPIs from raw helpdesk exports (not built yet)."""
    raise click.ClickException("not built yet")
