"""``safeguard concerns``: the front door's scheduled jobs."""

from __future__ import annotations

import time
from typing import Annotated

import typer

app = typer.Typer(help="Concerns front door: deadline reminders for triage staff.")


@app.command()
def remind(
    every: Annotated[
        int, typer.Option(help="Repeat every this many seconds (0: run once and stop)", min=0)
    ] = 0,
) -> None:
    """Tell triage workers which concerns are due soon or overdue (each reminder sent once)."""
    from safeguard.cli import django_setup

    django_setup()
    from django.utils import timezone

    from safeguard.referrals.reminders import concerns_remind

    while True:
        sent = concerns_remind(now=timezone.now())
        typer.echo(f"reminders sent: {sent.due_soon} due soon, {sent.overdue} overdue")
        if not every:
            return
        time.sleep(every)
