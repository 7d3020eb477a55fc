"""The adults in many children's chronologies, as arrays.

Two kinds of mention: an adult named in an event's `adults_present`, and the `person` an event
is about (household changes, restrictions, associations). Person refs become int codes, and a
(child, person) pair becomes one group for `timeline`: `child * width + person`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import attrgetter, methodcaller

import numpy as np

from safeguard.safeguarding.engine.columns import KIND_CODES, Columns
from safeguard.safeguarding.engine.timeline import Int64s

SUBJECT_KINDS = (
    "household_member_added",
    "household_member_left",
    "adult_restriction",
    "adult_associated",
)


@dataclass(frozen=True, slots=True)
class PeopleIndex:
    names: list[str]  # person ref of each code
    named_row: Int64s  # one entry per adult named in an event's adults_present, in event order
    named_person: Int64s
    subject_row: Int64s  # events about one person (SUBJECT_KINDS with a `person`), in order
    subject_person: Int64s

    @classmethod
    def build(cls, cols: Columns) -> PeopleIndex:
        # Every event is looked at once, and only through C-level map/compress: at a million
        # events this is the hot path. It keeps what Event.people() keeps (non-empty strings in
        # a list), repeats included: they are merged when an alert is written.
        details = map(attrgetter("details"), cols.events)
        presents = list(map(methodcaller("get", "adults_present"), details))
        rows = list(compress(range(len(presents)), map(isinstance, presents, repeat(list))))
        lists = list(map(presents.__getitem__, rows))
        flat = list(chain.from_iterable(lists))
        flat_row = np.repeat(np.array(rows, dtype=np.int64), list(map(len, lists)))
        is_text = np.fromiter(map(isinstance, flat, repeat(str)), np.bool_, count=len(flat))
        texts = list(compress(flat, is_text))
        valid = np.fromiter(map(bool, texts), np.bool_, count=len(texts))
        named = list(compress(texts, valid))
        subject_rows = cols.of_kinds(SUBJECT_KINDS)
        subjects = [cols.events[i].person for i in subject_rows.tolist()]
        with_person = np.array([bool(p) for p in subjects], dtype=np.bool_)
        codes = {p: k for k, p in enumerate(dict.fromkeys(chain(named, subjects)))}
        return cls(
            names=list(codes),
            named_row=flat_row[is_text][valid],
            named_person=np.fromiter(map(codes.__getitem__, named), np.int64, count=len(named)),
            subject_row=subject_rows[with_person],
            subject_person=np.fromiter(
                map(codes.__getitem__, compress(subjects, with_person)),
                np.int64,
                count=int(with_person.sum()),
            ),
        )

    def pair(self, cols: Columns, rows: Int64s, persons: Int64s) -> Int64s:
        paired: Int64s = cols.group[rows] * np.int64(max(len(self.names), 1)) + persons
        return paired

    def subjects(self, cols: Columns, kind: str) -> tuple[Int64s, Int64s]:
        """Rows and persons of the events of one subject kind."""
        mine = cols.kind[self.subject_row] == KIND_CODES[kind]
        return self.subject_row[mine], self.subject_person[mine]
