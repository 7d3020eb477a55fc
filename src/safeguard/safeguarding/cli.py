"""`safeguard indicators ...`: the batch form of the safeguarding indicators (contracts.md §3).

No Django here, so the command works without a database.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from safeguard.safeguarding.engine.check_file import Progress, UnusableInputError, run_check

app = typer.Typer(
    help="Safeguarding indicators: explained alerts from multi-agency chronologies.",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """Safeguarding indicators: explained alerts from multi-agency chronologies."""


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # only needed on a terminal
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading events", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@app.command("check")
def check_command(
    events: Annotated[
        Path, typer.Argument(metavar="EVENTS.jsonl", help="Chronology events, one JSON a line.")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="ALERTS.jsonl", help="Where to write the alerts.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="TIME",
            help="Evaluate as of this time (ISO 8601 with offset); later events are ignored. "
            "Default: the latest event time.",
        ),
    ] = None,
    rule_set: Annotated[
        str | None,
        typer.Option(
            "--rule-set",
            metavar="VERSION",
            help="Use this rule-set version instead of the one in force on the --as-of date.",
        ),
    ] = None,
) -> None:
    """Raise explained alerts from EVENTS.jsonl; write ALERTS.jsonl.

    Rejected lines go to ALERTS.errors.jsonl beside it. Exit 0 when the run finished (even
    with rejected lines), 2 when the arguments or the file cannot be used (nothing written).
    """
    try:
        with _progress() as progress:
            summary = run_check(events, out, as_of=as_of, rule_set=rule_set, progress=progress)
    except UnusableInputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(summary.line(), err=True)
