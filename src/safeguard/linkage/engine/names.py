"""Name cleaning, forename equivalence (nicknames) and phonetic keys.

Agencies type names as they hear them: any case, stray punctuation, accents, a middle name in
the forename box, a diminutive instead of the formal name. Everything here turns that into
comparable upper-case ASCII tokens; the Splink model and the clustering rules compare those.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

import jellyfish

_NOT_LETTER = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r"\s+")
# Titles and generational suffixes are not part of the name a person is matched on.
_NOISE_TOKENS = frozenset(
    {"MR", "MRS", "MS", "MISS", "DR", "MX", "REV", "SIR", "JR", "JNR", "SR", "SNR", "JUNIOR"}
    | {"SENIOR", "II", "III"}
)


def ascii_upper(text: str) -> str:
    """Upper-case ASCII letters and spaces only: accents folded, punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", folded.upper().replace("'", ""))).strip()


def name_tokens(text: str) -> list[str]:
    """Words of a name field, titles and suffixes removed; hyphens split words."""
    return [
        t for t in ascii_upper(text.replace("-", " ")).split(" ") if t and t not in _NOISE_TOKENS
    ]


def clean_surname(text: str) -> str:
    """One surname string with spaces, hyphens and apostrophes removed (O'Neil -> ONEIL)."""
    return "".join(name_tokens(text))


def surname_parts(text: str) -> list[str]:
    """The parts of a double-barrelled or multi-word surname, each of two letters or more."""
    return [t for t in name_tokens(text) if len(t) > 1]


@cache
def _nickname_groups() -> dict[str, tuple[str, ...]]:
    """Map each known name to the formal names of the groups it belongs to."""
    text = resources.files("safeguard.linkage.engine").joinpath("data/nicknames.csv").read_text()
    groups: dict[str, set[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        names = [ascii_upper(n) for n in line.split(",") if n.strip()]
        formal = names[0]
        for name in names:
            groups.setdefault(name, set()).add(formal)
    return {name: tuple(sorted(formals)) for name, formals in groups.items()}


@cache
def diminutives(formal: str) -> list[str]:
    """The other names of the group whose formal name this is (ELIZABETH -> BESS, ..., LIZZY)."""
    return sorted(n for n, g in _nickname_groups().items() if formal in g and n != formal)


@cache
def _names_by_deletion() -> dict[str, tuple[str, ...]]:
    """Every known name under itself and each of its one-letter deletions, for spelling
    correction by the symmetric-deletion method."""
    index: dict[str, set[str]] = {}
    for name in _nickname_groups():
        for variant in {name} | {name[:i] + name[i + 1 :] for i in range(len(name))}:
            index.setdefault(variant, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in index.items()}


@cache
def forename_groups(forename: str) -> tuple[str, ...]:
    """Formal names a forename may stand for (LIZ -> ELIZABETH); empty when unknown.

    A name not in the table but one slip away from known names of at most three groups
    (VICTOIA, HOMAS, STEVN) takes their groups: agencies mistype diminutives as often as
    formal names.
    """
    groups = _nickname_groups()
    if forename in groups:
        return groups[forename]
    if len(forename) < 4:
        return ()
    index = _names_by_deletion()
    variants = {forename} | {forename[:i] + forename[i + 1 :] for i in range(len(forename))}
    candidates = {
        name
        for variant in variants
        for name in index.get(variant, ())
        if damerau_levenshtein(name, forename) <= 1
    }
    found = sorted({g for name in candidates for g in groups[name]})
    return tuple(found) if len(found) <= 3 else ()


def are_nickname_equivalent(a: str, b: str) -> bool:
    """True when two forenames share a nickname group (STEVE and STEPHEN, not STEVE and SAM)."""
    groups_a = forename_groups(a)
    return bool(groups_a) and any(g in groups_a for g in forename_groups(b))


def phonetic_key(name: str) -> str:
    """Metaphone code: CATHERINE and KATHRYN, SEAN and SHAUN share a key."""
    return jellyfish.metaphone(name) if name else ""


def jaro_winkler(a: str, b: str) -> float:
    return float(jellyfish.jaro_winkler_similarity(a, b))


def damerau_levenshtein(a: str, b: str) -> int:
    return int(jellyfish.damerau_levenshtein_distance(a, b))


def forenames_related(tokens_a: Iterable[str], tokens_b: Iterable[str]) -> bool:
    """Could these two forename fields name the same person?

    Yes when the first names are equal, nickname-equivalent, close in spelling or sound, one is
    the other's initial, or any given name appears in both (a middle name used as the first).
    Used to keep apart twins, who share everything but the forename.
    """
    return _forenames_related(tuple(tokens_a), tuple(tokens_b))


@lru_cache(maxsize=1 << 17)  # clustering asks about the same few thousand names again and again
def _forenames_related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return True
    first_a, first_b = a[0], b[0]
    if first_a == first_b or are_nickname_equivalent(first_a, first_b):
        return True
    if len(first_a) == 1 or len(first_b) == 1:
        # An initial fits the name or the formal name behind a nickname (E for BETTY).
        initial, name = (first_a, first_b) if len(first_a) == 1 else (first_b, first_a)
        return initial == name[0] or any(g[0] == initial for g in forename_groups(name))
    if set(a) & set(b):
        return True
    # Two slips (one in each record) still leave a name recognisable when it is not too short.
    slips = 2 if min(len(first_a), len(first_b)) >= 4 else 1
    if damerau_levenshtein(first_a, first_b) <= slips or jaro_winkler(first_a, first_b) >= 0.85:
        return True
    return phonetic_key(first_a) == phonetic_key(first_b)
