"""`safeguard recall ...`: the batch form of the recall service (contracts.md §4).

No Django here, so the command works without a database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from safeguard.recall.engine import CaseError, RuleSetError, assess, parse_case, parse_date

app = typer.Typer(help="Recall decisions: which recalls the law allows.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Recall decisions: which recalls the law allows."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("assess")
def assess_command(
    case_file: Annotated[Path, typer.Argument(metavar="CASE.json", help="The case to assess.")],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="Assess on this date instead of recall_date."),
    ] = None,
) -> None:
    """Print, as JSON, the recall options the rule set in force allows for CASE.json."""
    try:
        on_date = parse_date(on, "--on") if on is not None else None
    except CaseError as error:
        raise _fail(str(error)) from None
    try:
        text = case_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise _fail(f"cannot read {case_file}: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(f"{case_file} is not valid JSON: {error.msg} at line {error.lineno}") from None
    try:
        case = parse_case(data)
        when = on_date or case.recall_date
        if when is None:
            raise CaseError("recall_date is missing: give it in the case or use --on DATE")
        result = assess(case, when)
    except (CaseError, RuleSetError) as error:
        raise _fail(f"{case_file}: {error}") from None
    typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
