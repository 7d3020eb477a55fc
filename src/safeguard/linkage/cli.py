"""`safeguard link`: person records across agencies (contracts.md section 2). No Django.

safeguard link RECORDS.csv --out CLUSTERS.csv [--model FILE] [--review REVIEW.csv]
                   [--backend duckdb|spark]
safeguard link evaluate RECORDS.csv --truth TRUTH.csv [--json OUT] [--backend duckdb|spark]
safeguard link evaluate --febrl4 | --synthetic N
safeguard link train RECORDS.csv --model-out FILE
safeguard link generate N --out RECORDS.csv --truth TRUTH.csv
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from safeguard.linkage.engine import files
from safeguard.linkage.engine.backends import (
    BACKEND_ENV,
    Backend,
    UnknownBackendError,
    resolve_backend,
)
from safeguard.linkage.engine.batch import link_records, score_pairs
from safeguard.linkage.engine.evaluation import pairwise_scores
from safeguard.linkage.engine.model import DEFAULT_SEED, LinkageModel, ModelFileError
from safeguard.linkage.engine.records import RecordsFileError, RecordsRead, read_records_csv
from safeguard.linkage.engine.synthetic import SyntheticData, generate


class _DefaultToRun(typer.core.TyperGroup):
    """`safeguard link RECORDS.csv ...` runs the hidden `run` command: a group cannot also take
    a positional argument, so anything that is not a subcommand name is routed to `run`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's vendored Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToRun,
    help=(
        "Link person records across agencies into people (Splink model, trained on the data)."
        "\n\nsafeguard link RECORDS.csv --out CLUSTERS.csv [--model FILE] [--review FILE]"
        " [--seed N]: a person id for every record; rejected rows in CLUSTERS.errors.jsonl."
    ),
    no_args_is_help=True,
    add_completion=False,
)
_err = Console(stderr=True)
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Saved model (JSON); default: train on the records.")
]
SeedOption = Annotated[int, typer.Option(help="Seed for training (same seed, same output).")]
BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help=f"Where pairs are scored: duckdb or spark (default: ${BACKEND_ENV}, else duckdb).",
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def _progress() -> Iterator[Callable[[str], None]]:
    """A status line on stderr when it is a terminal; silence otherwise."""
    logging.getLogger("splink").setLevel(logging.ERROR)  # Splink's own chatter is not ours
    if not sys.stderr.isatty():
        yield lambda _message: None
        return
    with _err.status("linking") as status:
        yield status.update


def _read(path: Path) -> RecordsRead:
    try:
        return read_records_csv(path)
    except RecordsFileError as error:
        raise _fail(str(error)) from None


def _backend(name: str | None) -> Backend:
    try:
        return resolve_backend(name)
    except UnknownBackendError as error:
        raise _fail(str(error)) from None


def _load_model(path: Path | None) -> LinkageModel | None:
    if path is None:
        return None
    try:
        return LinkageModel.load(path)
    except ModelFileError as error:
        raise _fail(str(error)) from None


@app.command("run", hidden=True)
def run(
    records: Annotated[Path, typer.Argument(help="RECORDS.csv")],
    out: Annotated[Path, typer.Option("--out", help="CLUSTERS.csv to write")],
    model: ModelOption = None,
    review: Annotated[
        Path | None, typer.Option(help="Also write the pairs left for review (CSV).")
    ] = None,
    seed: SeedOption = DEFAULT_SEED,
    backend: BackendOption = None,
) -> None:
    """Records in, a person id for every record out."""
    engine = _backend(backend)
    read = _read(records)
    trained = _load_model(model)
    with _progress() as progress:
        result = link_records(
            read.records, model=trained, seed=seed, progress=progress, backend=engine
        )
    try:
        files.write_clusters(out, [r.record_id for r in read.records], result.person_ids)
        files.write_errors(files.errors_path(out), read.rejected)
        if review is not None:
            files.write_review_pairs(review, result.review_pairs)
    except OSError as error:
        raise _fail(f"cannot write output: {error}") from None
    typer.echo(
        f"linked {len(read.records)} records into {result.people} people"
        f" ({result.pairs_linked} pairs linked, {len(result.review_pairs)} left for review);"
        f" {len(read.rejected)} rows rejected",
        err=True,
    )


@app.command()
def train(
    records: Annotated[Path, typer.Argument(help="RECORDS.csv to train on")],
    model_out: Annotated[Path, typer.Option("--model-out", help="Model file (JSON) to write")],
    seed: SeedOption = DEFAULT_SEED,
) -> None:
    """Train the model on RECORDS.csv and save it, for later runs with --model."""
    read = _read(records)
    if not read.records:
        raise _fail(f"{records}: no usable records to train on")
    with _progress() as progress:
        trained = score_pairs(read.records, seed=seed, progress=progress).model
    try:
        trained.save(model_out)
    except OSError as error:
        raise _fail(f"cannot write model: {error}") from None
    typer.echo(f"model trained on {len(read.records)} records saved to {model_out}", err=True)


@app.command("generate")
def generate_command(
    count: Annotated[int, typer.Argument(help="How many records")],
    out: Annotated[Path, typer.Option("--out", help="RECORDS.csv to write")],
    truth: Annotated[Path, typer.Option("--truth", help="TRUTH.csv to write")],
    seed: Annotated[int, typer.Option(help="Seed of the generator")] = 1,
) -> None:
    """Write a synthetic multi-agency data set (fictional people) and its truth."""
    data = generate(count, seed=seed)
    files.write_records(out, data.records)
    files.write_truth(truth, data.truth)


def _evaluation_data(
    records: Path | None, truth: Path | None, febrl4: bool, synthetic: int | None, seed: int
) -> tuple[str, SyntheticData, int]:
    if sum((records is not None, febrl4, synthetic is not None)) != 1:
        raise _fail("give exactly one of RECORDS.csv (with --truth), --febrl4, --synthetic N")
    if febrl4:
        from safeguard.linkage.engine.febrl import load_febrl4

        return "febrl4", load_febrl4(), 0
    if synthetic is not None:
        return f"synthetic:{synthetic}:seed{seed}", generate(synthetic, seed=seed), 0
    assert records is not None
    if truth is None:
        raise _fail("--truth TRUTH.csv is needed with RECORDS.csv")
    read = _read(records)
    try:
        known = files.read_truth(truth)
    except files.TruthFileError as error:
        raise _fail(str(error)) from None
    return str(records), SyntheticData(read.records, known), len(read.rejected)


@app.command()
def evaluate(
    records: Annotated[Path | None, typer.Argument(help="RECORDS.csv")] = None,
    truth: Annotated[Path | None, typer.Option(help="TRUTH.csv: record_id,person_id")] = None,
    febrl4: Annotated[bool, typer.Option("--febrl4", help="FEBRL4 from recordlinkage")] = False,
    synthetic: Annotated[
        int | None, typer.Option(help="N records of the synthetic generator")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON here")] = None,
    model: ModelOption = None,
    seed: SeedOption = DEFAULT_SEED,
    backend: BackendOption = None,
) -> None:
    """Pairwise precision, recall and F1 of the linkage against known truth."""
    engine = _backend(backend)
    name, data, rejected = _evaluation_data(records, truth, febrl4, synthetic, seed)
    trained = _load_model(model)
    with _progress() as progress:
        result = link_records(
            data.records, model=trained, seed=seed, progress=progress, backend=engine
        )
    predicted = {r.record_id: p for r, p in zip(data.records, result.person_ids, strict=True)}
    scores = pairwise_scores(predicted, data.truth)
    report: dict[str, Any] = {"dataset": name, **scores.as_dict(), "rejected_rows": rejected}
    typer.echo(f"precision {scores.precision:.4f}")
    typer.echo(f"recall    {scores.recall:.4f}")
    typer.echo(f"f1        {scores.f1:.4f}")
    typer.echo(
        f"({scores.records} records, {scores.true_pairs} true pairs,"
        f" {scores.predicted_pairs} predicted, {scores.correct_pairs} correct)",
        err=True,
    )
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        except OSError as error:
            raise _fail(f"cannot write {json_out}: {error}") from None
