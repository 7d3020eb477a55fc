"""`safeguard licences ...`: the licence-condition catalogue from the command line
(contracts.md §5), and the batch commands over licences in the database.

`conditions` needs no Django, so it works without a database; `export-orders` and `advance`
set Django up lazily, inside the command.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from safeguard.licences.engine import (
    CatalogueError,
    load_catalogue,
    normalise_policy,
    policy_for,
    v4_start_from,
)

app = typer.Typer(
    help="Licences: the condition catalogue, monitoring orders, the daily step.",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """Licences: the condition catalogue, monitoring orders, the daily step."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("conditions")
def conditions_command(
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            metavar="VERSION",
            help="3.0 or 4.0. Default: the version in force (V4 only once "
            "SAFEGUARD_LICENCE_V4_START is set and reached).",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="Output format: json.")
    ] = "json",
    licence_start: Annotated[
        str | None,
        typer.Option(
            "--licence-start",
            metavar="DATE",
            help="Choose the version for a licence starting on DATE instead of today.",
        ),
    ] = None,
) -> None:
    """Print every standard and additional condition of a policy as a JSON list."""
    if output_format != "json":
        raise _fail(f"unknown --format {output_format!r}: the only format is json")
    try:
        if policy is not None:
            version = normalise_policy(policy)
        else:
            start = date.today() if licence_start is None else _date(licence_start)
            version = policy_for(start, v4_start_from(os.environ))
        catalogue = load_catalogue(version)
    except CatalogueError as error:
        raise _fail(str(error)) from None
    entries = [dict(condition.data) for condition in catalogue.conditions]
    typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CatalogueError(
            f"--licence-start must be a date like 2026-04-01 (got {text!r})"
        ) from None


@app.command("export-orders")
def export_orders_command(
    out: Annotated[
        Path, typer.Option("--out", metavar="ORDERS.json", help="Where to write the orders.")
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar="DATE", help="Orders for licences in force on DATE (default: today)."
        ),
    ] = None,
) -> None:
    """Write monitoring orders (contracts.md §1) from the licences in force, for `monitor check`.

    Licences whose order cannot be written (for example a curfew address with no map position)
    are listed in ORDERS.errors.jsonl beside the output and counted on stderr.
    """
    try:
        day = date.today() if on is None else date.fromisoformat(on)
    except ValueError:
        raise _fail(f"--on must be a date like 2026-10-01 (got {on!r})") from None
    if not out.parent.is_dir():
        raise _fail(f"cannot write {out}: no folder {out.parent}")
    from safeguard.cli import django_setup  # only this command needs the database

    django_setup()
    from safeguard.licences.orders import monitoring_orders_export

    result = monitoring_orders_export(
        actor=None, actor_label="cli", on=day, recipient=f"monitoring service ({out.name})"
    )
    errors_path = out.with_suffix(".errors.jsonl")
    try:
        out.write_text(
            json.dumps(result.document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        errors_path.write_text(
            "".join(
                json.dumps({"licence": licence, "subject": subject, "reason": reason}) + "\n"
                for licence, subject, reason in result.problems
            ),
            encoding="utf-8",
        )
    except OSError as error:
        raise _fail(f"cannot write {out}: {error.strerror}") from None
    typer.echo(
        f"wrote {len(result.orders)} orders for {day.isoformat()} to {out}; "
        f"{len(result.problems)} licences rejected (see {errors_path.name})",
        err=True,
    )


@app.command("advance")
def advance_command(
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The day to advance to (default: today)."),
    ] = None,
) -> None:
    """The daily step: approved licences whose start has come become active; licences past
    their end date expire. Audited."""
    try:
        day = date.today() if on is None else date.fromisoformat(on)
    except ValueError:
        raise _fail(f"--on must be a date like 2026-10-01 (got {on!r})") from None
    from safeguard.cli import django_setup

    django_setup()
    from safeguard.licences.lifecycle import licences_advance

    activated, expired = licences_advance(today=day)
    typer.echo(f"{activated} licences activated, {expired} expired")
