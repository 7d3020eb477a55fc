"""``safeguard chronology export``: a child's whole chronology in the EVENTS.jsonl shape of
contracts.md §3, so that ``safeguard indicators check`` reads it unchanged (contracts.md §6).

Runs as a named user (``--as-user``) under that user's access rules, and is audited as a
disclosure with its purpose and recipient. Django is set up only when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="A child's multi-agency chronology.", no_args_is_help=True)

_NOT_FOUND = "no child with that id that this user may see"


@app.callback()
def chronology() -> None:
    """A child's multi-agency chronology."""


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=2)


@app.command("export")
def export(
    child_id: Annotated[str, typer.Argument(help="the child's person-index id")],
    out: Annotated[Path, typer.Option("--out", help="EVENTS.jsonl to write")],
    as_user: Annotated[
        str, typer.Option("--as-user", help="username whose access rules apply (audited)")
    ],
    fmt: Annotated[str, typer.Option("--format", help="jsonl (the only format)")] = "jsonl",
    purpose: Annotated[
        str, typer.Option(help="why the chronology leaves the system (audit log)")
    ] = "Chronology export for the indicator rules",
    recipient: Annotated[
        str | None, typer.Option(help="who receives it (audit log); default: the file")
    ] = None,
) -> None:
    """Write every event of the child, all agencies, one JSON object a line."""
    if fmt != "jsonl":
        raise _fail(f"unknown format {fmt!r}; the only format is jsonl")
    from safeguard.cli import django_setup

    django_setup()
    from safeguard.accounts.models import User
    from safeguard.safeguarding.access import access_child_by_id
    from safeguard.safeguarding.exports import chronology_export
    from safeguard.site.errors import DomainError, NotFoundError

    user = User.objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise _fail(f"no active user named {as_user!r}")
    try:
        child = access_child_by_id(user, child_id)
    except NotFoundError:
        raise _fail(_NOT_FOUND) from None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as handle:  # opened first: an unwritable path is not a disclosure
            made = chronology_export(
                actor=user,
                child=child,
                fmt="jsonl",
                purpose=purpose,
                recipients=[recipient or f"file {out.name}"],
            )
            handle.write(made.content)
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror}") from None
    except DomainError as exc:
        out.unlink(missing_ok=True)
        raise _fail(exc.message) from None
    sys.stderr.write(f"wrote {made.events} events to {out}\n")
