"""Person records as agencies send them, and the RECORDS.csv reader (contracts.md section 2)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from safeguard.linkage.engine.normalise import parse_date_of_birth

REQUIRED_COLUMNS = (
    "record_id",
    "source",
    "forename",
    "surname",
    "date_of_birth",
    "postcode",
    "address",
    "phone",
)
# ni_number (National Insurance number) is our addition to contracts.md: DWP, probation and
# FEBRL's social security number carry one; like the others it is used when present.
OPTIONAL_COLUMNS = ("sex", "nhs_number", "pnc_id", "ni_number")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One agency's record of a person. Blank strings mean 'not recorded'."""

    record_id: str
    source: str = ""
    forename: str = ""
    surname: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    address: str = ""
    phone: str = ""
    sex: str = ""
    nhs_number: str = ""
    pnc_id: str = ""
    ni_number: str = ""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out of the run: `line` counts the file's lines from 1, header included."""

    line: int
    reason: str


class RecordsFileError(Exception):
    """The file cannot be used at all (unreadable, not CSV, required columns missing)."""


@dataclass(frozen=True, slots=True)
class RecordsRead:
    records: list[PersonRecord]
    rejected: list[RejectedRow]
    optional_columns: tuple[str, ...]


def validate_record(record: PersonRecord) -> str | None:
    """Why a record must be rejected, or None when it is usable."""
    if not record.record_id:
        return "empty record_id"
    try:
        parse_date_of_birth(record.date_of_birth)
    except ValueError as error:
        return str(error)
    return None


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the file line each starts on (quoted fields may span lines)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next_line = 1
        for row in reader:
            yield next_line, row
            next_line = reader.line_num + 1


def read_records_csv(path: Path) -> RecordsRead:
    """Read RECORDS.csv; bad rows become RejectedRow entries, never exceptions.

    Raises RecordsFileError when the file cannot be read or lacks a required column.
    """
    try:
        rows = _rows(path)
        header_line = next(rows, None)
        if header_line is None:
            raise RecordsFileError(f"{path}: empty file, expected a header row")
        header = [h.strip().lower() for h in header_line[1]]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise RecordsFileError(f"{path}: missing column(s): {', '.join(missing)}")
        present_optional = tuple(c for c in OPTIONAL_COLUMNS if c in header)
        wanted = REQUIRED_COLUMNS + present_optional
        positions = {c: header.index(c) for c in wanted}
        records: list[PersonRecord] = []
        rejected: list[RejectedRow] = []
        first_line_of: dict[str, int] = {}
        for line, row in rows:
            if not row or row == [""]:
                continue  # blank line: nothing was sent
            if len(row) != len(header):
                reason = f"expected {len(header)} fields, found {len(row)}"
                rejected.append(RejectedRow(line, reason))
                continue
            record = PersonRecord(**{c: row[i].strip() for c, i in positions.items()})
            reason_or_none = validate_record(record)
            if reason_or_none is None and record.record_id in first_line_of:
                first = first_line_of[record.record_id]
                reason_or_none = f"duplicate record_id {record.record_id!r} (first on line {first})"
            if reason_or_none is not None:
                rejected.append(RejectedRow(line, reason_or_none))
                continue
            first_line_of[record.record_id] = line
            records.append(record)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RecordsFileError(f"{path}: cannot read: {error}") from error
    return RecordsRead(records, rejected, present_optional)
