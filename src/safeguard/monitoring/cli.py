"""`safeguard monitor ...`: the batch form of the monitoring service (contracts.md §1).

`check` needs no Django, so it works without a database; `near` (crime matching) reads
the stored fixes and sets Django up itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from safeguard.monitoring.engine import Settings, UnusableInput, run_check
from safeguard.monitoring.engine.settings import SettingsError

app = typer.Typer(
    help="Electronic monitoring: check tag data against orders.", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """Electronic monitoring: check tag data against orders."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # only needed on a terminal
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking fixes", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _tidy(value: float) -> float:
    """5.0 from the command line is written back as 5, like the contract's defaults."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@app.command("check")
def check_command(
    orders: Annotated[Path, typer.Argument(metavar="ORDERS.json", help="The orders to check.")],
    fixes: Annotated[Path, typer.Argument(metavar="FIXES.csv", help="GPS fixes.")],
    out: Annotated[
        Path, typer.Option("--out", metavar="VIOLATIONS.jsonl", help="Where to write violations.")
    ],
    events: Annotated[
        Path | None, typer.Option("--events", metavar="EVENTS.csv", help="Device events.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="TIME", help="Evaluation horizon (default: latest reading)."
        ),
    ] = None,
    confirm_fixes: Annotated[
        int | None, typer.Option(help="Default confirm_fixes for orders that do not set it.")
    ] = None,
    min_absence_minutes: Annotated[
        float | None, typer.Option(help="Default min_absence_minutes.")
    ] = None,
    max_gap_minutes: Annotated[float | None, typer.Option(help="Default max_gap_minutes.")] = None,
    default_accuracy_m: Annotated[
        float | None, typer.Option(help="Default default_accuracy_m.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes to use.")] = 1,
) -> None:
    """Check ORDERS.json against FIXES.csv (and EVENTS.csv); write VIOLATIONS.jsonl.

    Rejected rows go to VIOLATIONS.errors.jsonl beside it. Exit 0 when the run finished,
    2 when the input is unusable (nothing is written then).
    """
    given = {
        "confirm_fixes": confirm_fixes,
        "min_absence_minutes": min_absence_minutes,
        "max_gap_minutes": max_gap_minutes,
        "default_accuracy_m": default_accuracy_m,
    }
    chosen = {k: _tidy(v) for k, v in given.items() if v is not None}
    try:
        defaults = Settings().with_overrides(chosen)
    except SettingsError as error:
        raise _fail(str(error)) from None
    try:
        with _progress() as progress:
            summary = run_check(
                orders,
                fixes,
                events,
                until,
                out,
                defaults=defaults,
                workers=workers,
                progress=progress,
            )
    except UnusableInput as error:
        raise _fail(str(error)) from None
    typer.echo(summary.line(), err=True)


@app.command("near")
def near_command(
    at: Annotated[str, typer.Option("--at", metavar="TIME", help="When (ISO 8601 with offset).")],
    lat: Annotated[float, typer.Option("--lat", help="Latitude of the place (WGS84).")],
    lon: Annotated[float, typer.Option("--lon", help="Longitude of the place (WGS84).")],
    radius: Annotated[float, typer.Option("--radius", metavar="M", help="Radius in metres.")],
    window: Annotated[
        float, typer.Option("--window", metavar="MINUTES", help="Minutes either side of TIME.")
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (e.g. the crime reference); audited.")
    ] = "crime matching from the command line",
    recipient: Annotated[
        str, typer.Option("--recipient", help="Who receives the answer; audited.")
    ] = "command-line operator",
) -> None:
    """Crime matching: tagged people whose trail was within the radius in the window.

    A fix counts when it was recorded within MINUTES of TIME (inclusive) and its accuracy
    circle could touch the search circle. Writes one JSON object a subject to stdout, closest
    first. Needs the database; audited as a disclosure of the subjects listed.
    """
    from safeguard.monitoring.engine.timeparse import InstantError, parse_instant, to_datetime

    try:
        when = to_datetime(parse_instant(at))
    except InstantError as error:
        raise _fail(f"--at {error}") from None
    from safeguard.cli import django_setup  # only this command needs the database

    django_setup()
    import json

    from safeguard.monitoring.near import NearQuery, near_search
    from safeguard.site.errors import DomainError

    query = NearQuery(
        at=when, lat=lat, lon=lon, radius_m=radius, window_minutes=window, reason=reason
    )
    try:
        results = near_search(actor=None, actor_label="cli", query=query, recipients=[recipient])
    except DomainError as error:
        fields = (error.extra or {}).get("fields", {})
        raise _fail("; ".join(str(v) for v in fields.values()) or error.message) from None
    for result in results:
        typer.echo(json.dumps(result.to_json()))
    typer.echo(f"{len(results)} subjects near the place in the window", err=True)


@app.command("evaluator")
def evaluator_command(
    shard: Annotated[int, typer.Option("--shard", help="Which shard this process evaluates.")] = 0,
    once: Annotated[
        bool, typer.Option("--once", help="Work the queue until it is empty, then stop.")
    ] = False,
    report_every: Annotated[
        float, typer.Option("--report-every", metavar="SECONDS", help="How often to print totals.")
    ] = 60.0,
) -> None:
    """Turn queued tag readings into violations (MONITORING_EVALUATION = "queue").

    Runs until stopped (SIGINT or SIGTERM finishes the current pass first). Run one process
    per shard (MONITORING_EVALUATOR_SHARDS, as the servers have it); each keeps its subjects'
    evaluation state warm, so a pass costs only what the new readings can change. A second
    process for a shard already owned waits as a standby. Prints a line of totals every
    --report-every seconds.
    """
    import signal
    import threading

    from safeguard.cli import django_setup

    django_setup()
    from safeguard.monitoring.evaluator import PassResult, QueuedEvaluator, ShardTaken

    try:
        evaluator = QueuedEvaluator(shard=shard)
    except ValueError as error:
        raise _fail(str(error)) from None
    if once:
        total = PassResult()
        try:
            while (result := evaluator.run_once()).batches:
                total.add(result)
        except ShardTaken as error:
            raise _fail(str(error)) from None
        typer.echo(f"shard {shard}: {total.line()}", err=True)
        return
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    typer.echo(f"evaluator for shard {shard} of {evaluator.shards} started", err=True)
    evaluator.run(
        stop,
        report=lambda totals: typer.echo(f"shard {shard}: {totals.line()}", err=True),
        report_every=report_every,
    )


@app.command("partitions")
def partitions_command(
    days: Annotated[
        int, typer.Option("--days", help="Create partitions this many days ahead (UTC days).")
    ] = 7,
    drop_before: Annotated[
        str | None,
        typer.Option(
            "--drop-before",
            metavar="DATE",
            help="Retention: remove every fix recorded before this day (YYYY-MM-DD, 00:00 UTC).",
        ),
    ] = None,
) -> None:
    """Day partitions of the stored fixes (PostgreSQL): run daily.

    Creates the partitions for yesterday to --days ahead, moving any rows the DEFAULT partition
    already holds for those days (fixes dated in the future). With --drop-before, whole earlier
    days are detached and dropped (on SQLite: deleted in batches), audited as an erasure.
    """
    from datetime import UTC, date, datetime

    from safeguard.cli import django_setup

    cutoff = None
    if drop_before is not None:
        try:
            cutoff = date.fromisoformat(drop_before)
        except ValueError:
            raise _fail(f"--drop-before {drop_before!r} is not a date (YYYY-MM-DD)") from None
        if cutoff > datetime.now(UTC).date():
            # Retention never reaches today: a date ahead is a typo that would erase the feed.
            raise _fail(f"--drop-before {drop_before} is after today: nothing current is removed")
    django_setup()
    from django.db import transaction
    from django.utils import timezone

    from safeguard.monitoring.partitions import default_rows, ensure_partitions, is_partitioned
    from safeguard.monitoring.partitions import drop_before as drop

    if not is_partitioned():
        typer.echo("fixes are one table on this database (SQLite): no partitions", err=True)
    else:
        today = timezone.now().astimezone(UTC).date()
        report = ensure_partitions(today=today, days=days)
        created = ", ".join(d.isoformat() for d in report.created) or "none needed"
        typer.echo(f"partitions created: {created}", err=True)
        stray = default_rows()
        if stray:
            typer.echo(
                f"warning: {stray} fixes are in the DEFAULT partition (dated outside every "
                "day partition): check device clocks, or create partitions for their days",
                err=True,
            )
    if cutoff is not None:
        from safeguard.audit.models import AuditAction
        from safeguard.audit.services import audit_record

        with transaction.atomic():
            removed = drop(cutoff)
            audit_record(
                actor=None,
                actor_label="monitor partitions",
                action=AuditAction.ERASURE,
                object_type="em_fixes",
                summary="removed tag fixes past their retention",
                details={
                    "before": cutoff.isoformat(),
                    "fixes": removed.rows_removed,
                    "days_dropped": [d.isoformat() for d in removed.dropped],
                },
            )
        typer.echo(
            f"removed {removed.rows_removed} fixes recorded before {cutoff.isoformat()} "
            f"({len(removed.dropped)} day partitions dropped)",
            err=True,
        )
