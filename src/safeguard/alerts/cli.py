"""`safeguard alerts ...`: re-evaluate the rules over stored chronologies, link licences to
children (the daily sweep), and print the fairness report. Django is set up inside each
command."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Safeguarding alerts: evaluate, link licences, fairness report.", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """Safeguarding alerts: evaluate, link licences, fairness report."""


def _setup() -> None:
    from safeguard.cli import django_setup

    django_setup()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("evaluate")
def evaluate(
    child: Annotated[
        list[str] | None, typer.Option(help="A child's person id (repeatable)")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="ISO time with offset (default: now)")] = None,
) -> None:
    """Re-run the indicator rules for every child (or the ones given) and upsert their alerts.
    Run daily: "child not seen" depends on the passing of time, not only on new events."""
    _setup()
    from safeguard.alerts.evaluation import alerts_reevaluate
    from safeguard.safeguarding.models import Child

    moment = None
    if as_of:
        try:
            moment = datetime.fromisoformat(as_of)
        except ValueError as exc:
            raise _fail("--as-of must be an ISO time with an offset") from exc
        if moment.tzinfo is None:
            raise _fail("--as-of must be an ISO time with an offset")
    ids: list[Any] = list(child) if child else list(Child.objects.values_list("pk", flat=True))
    outcome = alerts_reevaluate(ids, as_of=moment, actor_label="alerts-cli")
    typer.echo(
        f"children {outcome.children}, raised {len(outcome.raised)}, "
        f"updated {len(outcome.updated)}, superseded {len(outcome.superseded)}"
    )


@app.command("link-licences")
def link_licences() -> None:
    """Record the restrictions about children of licences in force against the children the
    adults are tied to (the reverse direction of the live link); then evaluate those children."""
    _setup()
    from django.db import transaction

    from safeguard.alerts.links import licence_links_sweep

    with transaction.atomic():
        linked = licence_links_sweep()
    typer.echo(f"children linked {len(linked)}")


@app.command("fairness")
def fairness(
    as_user: Annotated[str, typer.Option(help="A privacy officer or manager's username")],
) -> None:
    """Alert counts and outcomes by rule and group (small numbers suppressed), as JSON."""
    _setup()
    from safeguard.accounts.models import User
    from safeguard.alerts.fairness import fairness_report
    from safeguard.site.errors import NotFoundError

    user = User.objects.filter(username=as_user, is_active=True).first()
    try:
        report = fairness_report(user)
    except NotFoundError as exc:
        raise _fail("that user may not see the fairness report") from exc
    out: dict[str, Any] = {
        "children": report.children,
        "alerts": report.alerts,
        "by_rule": [r.__dict__ | {"decisions": dict(r.decisions)} for r in report.by_rule],
        "groups": {name: [g.__dict__ for g in rows] for name, rows in report.dimensions},
    }
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
