"""Files around a linkage run: CLUSTERS.csv, its errors file, TRUTH.csv, synthetic data sets."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from safeguard.linkage.engine.records import PersonRecord, RejectedRow


class TruthFileError(Exception):
    """TRUTH.csv cannot be read or lacks record_id/person_id."""


def errors_path(out: Path) -> Path:
    """CLUSTERS.csv -> CLUSTERS.errors.jsonl (contracts.md: extension replaced)."""
    return out.with_name(out.stem + ".errors.jsonl")


def write_clusters(out: Path, record_ids: Sequence[str], person_ids: Sequence[str]) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "person_id"])
        writer.writerows(zip(record_ids, person_ids, strict=True))


def write_errors(path: Path, rejected: Sequence[RejectedRow]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rejected:
            handle.write(json.dumps({"line": row.line, "reason": row.reason}) + "\n")


def read_truth(path: Path) -> dict[str, str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if "record_id" not in header or "person_id" not in header:
                raise TruthFileError(f"{path}: needs columns record_id and person_id")
            reader.fieldnames = header
            return {
                row["record_id"].strip(): row["person_id"].strip()
                for row in reader
                if row.get("record_id") and row.get("person_id")
            }
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TruthFileError(f"{path}: cannot read: {error}") from error


def write_records(path: Path, records: Sequence[PersonRecord]) -> None:
    """RECORDS.csv with every column, the optional ones included."""
    columns = [f.name for f in fields(PersonRecord)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([getattr(r, c) for c in columns] for r in records)


def write_truth(path: Path, truth: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "person_id"])
        writer.writerows(sorted(truth.items()))


def write_review_pairs(path: Path, pairs: Sequence[tuple[str, str, float]]) -> None:
    """Pairs in the review band: neither linked nor dismissed, for a person to look at."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id_1", "record_id_2", "match_probability"])
        writer.writerows((a, b, f"{p:.6f}") for a, b, p in pairs)
