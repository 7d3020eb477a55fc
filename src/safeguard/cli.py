"""The ``safeguard`` command. Thin: every subcommand calls a service or an engine.

Commands that need the database set Django up lazily, so the engines' batch commands
(``monitor check``, ``indicators check``, ...) work without one.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
import typer.main
from typer._click.core import Command, Context
from typer.core import TyperGroup


class _LazyAreas(TyperGroup):
    """The root command, with the areas' command groups imported only when one is run.

    Importing every area (pandas and Splink for ``link``, shapely for ``monitor``, ...) took
    seconds before even ``safeguard --help`` could answer. The help lists each area with a short
    text from ``_AREA_HELP``; the area's module is imported when its name is the command given.
    """

    def _load(self, name: str) -> None:
        module_name = _LAZY_AREAS.get(name)
        if module_name is None or name in self.commands:
            return
        module = importlib.import_module(module_name)
        self.add_command(typer.main.get_group(module.app), name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args:
            self._load(args[0])
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_AREAS})

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found: Command | None = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in _LAZY_AREAS:
            # Only the help listing asks for a command it has not resolved: a stand-in that
            # carries the area's one-line help, never run (resolve_command loads the real one).
            text = _AREA_HELP.get(cmd_name, "")
            return TyperGroup(name=cmd_name, help=text, short_help=text)
        return found


app = typer.Typer(
    name="safeguard",
    help="Safeguard: multi-agency public protection.",
    no_args_is_help=True,
    add_completion=False,
    cls=_LazyAreas,
)
audit_app = typer.Typer(help="The audit log: verify the hash chain, write checkpoints.")
app.add_typer(audit_app, name="audit")
keys_app = typer.Typer(help="Field encryption keys: generate a key, rotate to the current key.")
app.add_typer(keys_app, name="keys")

# Areas whose batch commands are pure (no Django): (module, command name).
_AREA_COMMANDS = [
    ("safeguard.monitoring.cli", "monitor"),
    ("safeguard.safeguarding.cli", "indicators"),
    ("safeguard.safeguarding.chronology_cli", "chronology"),
    ("safeguard.recall.cli", "recall"),
    ("safeguard.licences.cli", "licences"),
    ("safeguard.linkage.cli", "link"),
    ("safeguard.referrals.cli", "concerns"),
    ("safeguard.alerts.cli", "alerts"),
]
# One line each for `safeguard --help`, which lists the areas without importing them.
_AREA_HELP = {
    "monitor": "Electronic monitoring: check fixes against orders, crime-scene matching.",
    "indicators": "Joining the dots: explained alerts from a child's chronology.",
    "chronology": "A child's multi-agency chronology: export.",
    "recall": "Recall decisions: which recalls the law allows.",
    "licences": "Licences: the condition catalogue, monitoring orders, lifecycle dates.",
    "link": "Person linkage across agencies: link, evaluate, train, generate.",
    "concerns": "Concerns front door: deadline reminders for triage staff.",
    "alerts": "Safeguarding alerts: re-evaluate, link licences to children, fairness.",
}
_LAZY_AREAS = {command: module_name for module_name, command in _AREA_COMMANDS}


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=2)


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    from django.core.management import call_command

    from safeguard.site.settings import DATA_DIR

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def serve(
    address: Annotated[str, typer.Option(help="host:port to listen on")] = "127.0.0.1:8000",
) -> None:
    """Serve the web app (development server; see docs/operations.md for production)."""
    django_setup()
    from django.core.management import call_command

    call_command("runserver", address, use_reloader=False, use_threading=True)


@app.command()
def createuser(
    username: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help="practitioner, senior_practitioner, manager, ...")],
    agency: Annotated[str | None, typer.Option(help="agency name")] = None,
    team: Annotated[str | None, typer.Option(help="team name within the agency")] = None,
    password_stdin: Annotated[bool, typer.Option(help="read the password from stdin")] = False,
    service_account: Annotated[bool, typer.Option(help="a system account for a feed")] = False,
    token: Annotated[bool, typer.Option(help="also issue an API token and print it")] = False,
) -> None:
    """Create a staff user or a service account."""
    django_setup()
    from safeguard.accounts.models import Agency, Team
    from safeguard.accounts.roles import Role
    from safeguard.accounts.services import token_create, user_create
    from safeguard.site.errors import DomainError

    try:
        role_value = Role(role)
    except ValueError:
        raise _fail(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}") from None
    agency_obj = Agency.objects.filter(name=agency).first() if agency else None
    if agency and agency_obj is None:
        raise _fail(f"no agency named {agency!r}")
    team_obj = Team.objects.filter(name=team, agency=agency_obj).first() if team else None
    if team and team_obj is None:
        raise _fail(f"no team named {team!r} in that agency")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user = user_create(
            actor=None,
            username=username,
            password=password,
            role=role_value,
            agency=agency_obj,
            team=team_obj,
            is_service_account=service_account,
        )
    except DomainError as exc:
        raise _fail(exc.message) from None
    typer.echo(f"created user {user.username} ({role_value.value})")
    if token:
        typer.echo(token_create(actor=None, user=user, name="created at the command line"))


@audit_app.command("verify")
def audit_verify_command(
    checkpoint: Annotated[str | None, typer.Option(help="checkpoint file to check against")] = None,
) -> None:
    """Check the hash chain; report the first bad entry. Exit 1 when broken."""
    django_setup()
    from pathlib import Path

    from safeguard.audit.verify import CheckpointInvalidError, audit_verify

    try:
        result = audit_verify(Path(checkpoint) if checkpoint else None)
    except CheckpointInvalidError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(result.message())
    if not result.ok:
        raise typer.Exit(code=1)


@audit_app.command("checkpoint")
def audit_checkpoint_command(
    path: Annotated[str | None, typer.Option(help="where to write the checkpoint")] = None,
    every: Annotated[
        float | None,
        typer.Option(help="keep running: write a checkpoint every SECONDS", min=1),
    ] = None,
    times: Annotated[
        int | None, typer.Option(help="with --every: stop after this many writes", min=1)
    ] = None,
) -> None:
    """Write a signed checkpoint of the chain's head outside the database."""
    django_setup()
    from pathlib import Path

    from safeguard.audit.verify import (
        Checkpoint,
        CheckpointInvalidError,
        CheckpointRefusedError,
        checkpoint_every,
        checkpoint_write,
    )

    def report(written: Checkpoint | None) -> None:
        if written is None:
            typer.echo("audit log is empty: no checkpoint written")
        else:
            typer.echo(f"checkpoint written at entry {written.seq}")

    target = Path(path) if path else None
    try:
        if every is None:
            report(checkpoint_write(target))
        else:
            checkpoint_every(every, target, times=times, report=report)
    except (CheckpointRefusedError, CheckpointInvalidError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None


@keys_app.command("generate")
def keys_generate_command(
    key_id: Annotated[str, typer.Option("--id", help="a new key id")],
) -> None:
    """Print a new key as ``id:base64``: put it first in SAFEGUARD_FIELD_KEYS, then rotate."""
    from safeguard.site.keys import key_generate

    typer.echo(key_generate(key_id))


@keys_app.command("rotate")
def keys_rotate_command() -> None:
    """Re-encrypt every encrypted value under the current (first) key; safe to re-run."""
    django_setup()
    from safeguard.site.keys import keys_rotate

    result = keys_rotate()
    typer.echo(f"checked {result.values_checked} values, re-encrypted {result.values_rotated}")


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
    address: Annotated[str, typer.Option()] = "127.0.0.1:8000",
    seed: Annotated[int, typer.Option(help="random seed of the synthetic county")] = 2007,
) -> None:
    """Migrate, generate the synthetic demo county (once) and serve it."""
    # The demo's synthetic accounts have no authenticator apps: sign in with a password alone,
    # unless the environment asks for two factors.
    os.environ.setdefault("SAFEGUARD_REQUIRE_TWO_FACTOR", "false")
    migrate()
    from safeguard.demo.county import DEMO_PASSWORD, county_generate, demo_sign_ins

    created = county_generate(seed=seed)
    typer.echo("Demo county " + ("generated." if created else "already present; reusing it."))
    typer.echo(f"Sign in at http://{address}/sign-in with password {DEMO_PASSWORD!r} as:")
    if os.environ["SAFEGUARD_REQUIRE_TWO_FACTOR"].lower() in {"false", "0", "no", "off"}:
        typer.echo("(two-factor sign-in is off for the demo; production requires it)")
    for username, description in demo_sign_ins():
        typer.echo(f"  {username:<28} {description}")
    if serve_after:
        serve(address)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
