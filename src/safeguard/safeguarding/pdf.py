"""The chronology as a PDF (reportlab), for conferences and reviews.

Landscape A4, a marking on every page, the exporter and the purpose in every footer,
significant events highlighted. Rows are laid out directly on the canvas with a small
word-wrapper (widths cached per word) rather than with platypus tables and paragraphs, which
were about ten times slower: a 5,000-event chronology renders in a couple of seconds. A row
longer than a page continues on the next one. Text uses DejaVu Sans (shipped with the licences
app, embedded in the file), so names in Latin, Greek and Cyrillic scripts print as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from safeguard.safeguarding.models import Child
from safeguard.safeguarding.selectors.events import EventRow, Filters

_FONT, _BOLD = "SgChronologyDejaVu", "SgChronologyDejaVuBold"
_MARKING = "OFFICIAL-SENSITIVE: contains personal data about a child"
_SIZE, _LEADING = 8.0, 10.0
_WIDTH, _HEIGHT = landscape(A4)
_LEFT, _RIGHT, _TOP, _BOTTOM = 12 * mm, 12 * mm, 16 * mm, 15 * mm
_PAD = 2.0
_YELLOW = (1.0, 0.97, 0.75)
_GREY = (0.95, 0.95, 0.94)


@dataclass(frozen=True)
class _Column:
    title: str
    width: float


_COLUMNS = [
    _Column("Date and time", 30 * mm),
    _Column("Agency", 28 * mm),
    _Column("What happened", 141 * mm),
    _Column("Significant", 21 * mm),
    _Column("Action taken", _WIDTH - _LEFT - _RIGHT - 220 * mm),
]


def _fonts() -> None:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        folder = resources.files("safeguard.licences").joinpath("fonts")
        for name, file in ((_FONT, "DejaVuSans.ttf"), (_BOLD, "DejaVuSans-Bold.ttf")):
            with resources.as_file(folder.joinpath(file)) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))


class _Wrapper:
    """Greedy word wrap with word widths cached (chronologies repeat their words a lot)."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.widths: dict[str, float] = {}
        self.space = pdfmetrics.stringWidth(" ", font, _SIZE)

    def width(self, word: str) -> float:
        found = self.widths.get(word)
        if found is None:
            found = self.widths[word] = pdfmetrics.stringWidth(word, self.font, _SIZE)
        return found

    def wrap(self, text: str, limit: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line: list[str] = []
            used = 0.0
            for whole in paragraph.split():
                word = whole
                w = self.width(word)
                while w > limit:  # a word longer than the column: cut it
                    cut = max(1, int(len(word) * limit / w) - 1)
                    if line:
                        lines.append(" ".join(line))
                        line, used = [], 0.0
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self.width(word)
                extra = w if not line else used + self.space + w
                if line and extra > limit:
                    lines.append(" ".join(line))
                    line, used = [word], w
                else:
                    line.append(word)
                    used = extra
            lines.append(" ".join(line))
        return lines


class _Text:
    """Text drawn as PDF operators, encoded once per distinct string.

    ``Canvas.drawString`` measures and shapes every string it draws; a chronology draws tens
    of thousands and needs neither. This writes what reportlab itself writes for a TrueType
    font (each run of characters in its font subset, escaped) and caches it, so a repeated
    string costs nothing. The subsets belong to reportlab's document object (``_doc``), as in
    reportlab's own text code; tests compare the output with ``drawString``'s.
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.doc = canvas._doc
        self.cache: dict[tuple[str, str], str] = {}

    def operators(self, text: str, font_name: str) -> str:
        key = (font_name, text)
        found = self.cache.get(key)
        if found is None:
            font = pdfmetrics.getFont(font_name)
            found = self.cache[key] = " ".join(
                f"{font.getSubsetInternalName(subset, self.doc)} {_SIZE:g} Tf"
                f" ({escapePDF(chunk)}) Tj"
                for subset, chunk in font.splitString(text, self.doc)
            )
        return found

    def draw(self, x: float, y: float, text: str, font_name: str) -> None:
        self.canvas.addLiteral(
            f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {self.operators(text, font_name)} ET"
        )


class _Pages:
    def __init__(self, canvas: Canvas, footer: str) -> None:
        self.canvas = canvas
        self.text = _Text(canvas)
        self.footer = footer
        self.number = 0
        self.y = 0.0

    def new_page(self, header: bool = True) -> None:
        if self.number:
            self.canvas.showPage()
        self.number += 1
        c = self.canvas
        c.setFont(_BOLD, 8)
        c.drawCentredString(_WIDTH / 2, _HEIGHT - 10 * mm, _MARKING)
        c.setFont(_FONT, 7)
        c.drawString(_LEFT, 8 * mm, self.footer)
        c.drawRightString(_WIDTH - _RIGHT, 8 * mm, f"Page {self.number}")
        self.y = _HEIGHT - _TOP
        if header:
            self.header()

    def header(self) -> None:
        c = self.canvas
        height = _LEADING + 2 * _PAD
        c.setFillColorRGB(*_GREY)
        c.rect(_LEFT, self.y - height, _WIDTH - _LEFT - _RIGHT, height, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(_BOLD, _SIZE)
        x = _LEFT
        for column in _COLUMNS:
            c.drawString(x + _PAD, self.y - _PAD - _SIZE, column.title)
            x += column.width
        self.y -= height

    def row(self, cells: list[list[str]], bold: bool) -> None:
        c = self.canvas
        lines = max(len(cell) for cell in cells)
        for i in range(lines):
            if self.y - _LEADING < _BOTTOM:
                self.new_page()
            if bold:
                c.setFillColorRGB(*_YELLOW)
                c.rect(
                    _LEFT,
                    self.y - _LEADING - (_PAD if i == 0 else 0),
                    _WIDTH - _LEFT - _RIGHT,
                    _LEADING + (_PAD if i == 0 else 0),
                    stroke=0,
                    fill=1,
                )
                c.setFillColorRGB(0, 0, 0)
            top = self.y - (_PAD if i == 0 else 0)
            x = _LEFT
            font = _BOLD if bold else _FONT
            for column, cell in zip(_COLUMNS, cells, strict=True):
                if i < len(cell) and cell[i]:
                    self.text.draw(x + _PAD, top - _SIZE, cell[i], font)
                x += column.width
            self.y = top - _LEADING
        self.y -= _PAD
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.setLineWidth(0.25)
        c.line(_LEFT, self.y, _WIDTH - _RIGHT, self.y)


def chronology_pdf(
    *, child: Child, rows: Sequence[EventRow], filters: Filters, exported_by: Any, purpose: str
) -> bytes:
    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(_WIDTH, _HEIGHT), pageCompression=1)
    canvas.setTitle("Chronology")
    canvas.setAuthor("Safeguard")
    who = getattr(exported_by, "display_name", "") or str(exported_by)
    now = timezone.localtime()
    footer = f"Exported by {who} on {now:%-d %B %Y %H:%M} for: {' '.join(purpose.split())}"[:170]
    pages = _Pages(canvas, footer)
    pages.new_page(header=False)
    person = child.person
    canvas.setFont(_BOLD, 16)
    canvas.drawString(_LEFT, pages.y - 16, f"Chronology: {person.full_name}")
    canvas.setFont(_FONT, 9)
    born = (
        f"Born {person.date_of_birth:%-d %B %Y}"
        if person.date_of_birth
        else "Date of birth not known"
    )
    canvas.drawString(
        _LEFT, pages.y - 32, f"{born}. {len(rows)} events from every agency, oldest first."
    )
    pages.y -= 40
    if filters.active:
        canvas.drawString(_LEFT, pages.y - 4, f"Filtered: {_describe_filters(filters)}")
        pages.y -= 14
    pages.y -= 6
    pages.header()
    plain, bold = _Wrapper(_FONT), _Wrapper(_BOLD)
    widths = [column.width - 2 * _PAD for column in _COLUMNS]
    for row in rows:
        wrapper = bold if row.event.significant else plain
        cells = [
            [f"{row.when:%d/%m/%Y %H:%M}"],
            wrapper.wrap(row.agency, widths[1]),
            wrapper.wrap(row.line, widths[2]),
            ["Yes" if row.event.significant else ""],
            wrapper.wrap(row.event.action_taken, widths[4]) if row.event.action_taken else [""],
        ]
        pages.row(cells, row.event.significant)
    if not rows:
        canvas.setFont(_FONT, 9)
        canvas.drawString(_LEFT, pages.y - 14, "No events match.")
    canvas.save()
    return out.getvalue()


def _describe_filters(filters: Filters) -> str:
    parts = []
    if filters.agencies:
        parts.append("agencies " + ", ".join(filters.agencies))
    if filters.kinds:
        parts.append("kinds " + ", ".join(filters.kinds))
    if filters.date_from:
        parts.append(f"from {filters.date_from:%-d %B %Y}")
    if filters.date_to:
        parts.append(f"to {filters.date_to:%-d %B %Y}")
    if filters.significant_only:
        parts.append("significant events only")
    return "; ".join(parts)
