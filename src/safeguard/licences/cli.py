"""`safeguard licences ...`: the licence-condition catalogue from the command line
(contracts.md §5). No Django here, so the command works without a database.
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Annotated

import typer

from safeguard.licences.engine import (
    CatalogueError,
    load_catalogue,
    normalise_policy,
    policy_for,
    v4_start_from,
)

app = typer.Typer(help="Licence conditions: the catalogue by policy version.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Licence conditions: the catalogue by policy version."""


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
