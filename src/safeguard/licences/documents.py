"""The licence as a PDF: conditions in plain English with their inputs filled in, and a map
of every zone (reportlab; DejaVu Sans shipped in ``fonts/`` so names outside Latin-1 print).

Producing the document discloses the record (it is printed for the person on licence to
sign), so it is audited as a disclosure in the same transaction as it is made.
"""

from __future__ import annotations

import io
import uuid
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.access import access_licence_by_id
from safeguard.licences.conditions import zone_inputs
from safeguard.licences.engine.orders import EVENT_ZONE_CODE, ZONE_KINDS
from safeguard.licences.models import Licence
from safeguard.licences.selectors import (
    ConditionView,
    condition_views,
    conditions_current,
    conditions_in_force,
    withholds_addresses,
)
from safeguard.licences.zone_drawing import MapZone, zone_map

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
RECIPIENT = "the person on licence (printed licence)"


@cache
def _fonts() -> None:
    folder = resources.files("safeguard.licences").joinpath("fonts")
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        with resources.as_file(folder.joinpath(file)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14, spaceAfter=6)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=20, leading=24),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=14, leading=18, spaceBefore=10
        ),
        "body": body,
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8.5, leading=11, textColor=colors.grey
        ),
    }


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not recorded"


def _details(licence: Licence, withhold: bool, s: dict[str, ParagraphStyle]) -> Table:
    person = licence.person
    address = licence.approved_address
    if withhold:
        where = "Withheld: shown only to the named roles"
    elif address is not None:
        where = f"{address.line1}, {address.town}, {address.postcode}"
    else:
        where = "Not chosen"
    supervisor = licence.supervising_practitioner
    rows = [
        ("Name", person.full_name),
        ("Date of birth", _day(person.date_of_birth)),
        ("Licence period", f"{_day(licence.start_date)} to {_day(licence.end_date)}"),
        ("Status", licence.get_status_display()),
        ("Supervising officer", supervisor.display_name if supervisor else "Not chosen"),
        ("Approved address", where),
        ("Policy", f"Licence conditions policy {licence.policy}"),
    ]
    table = Table(
        [
            [Paragraph(f"<b>{escape(k)}</b>", s["body"]), Paragraph(escape(v), s["body"])]
            for k, v in rows
        ],
        colWidths=[45 * mm, 120 * mm],
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ]
    )
    return table


def _conditions(views: list[ConditionView], s: dict[str, ParagraphStyle]) -> list[Any]:
    flow: list[Any] = []
    groups = [
        ("Standard conditions", [v for v in views if v.row.kind == "standard"]),
        ("Additional conditions", [v for v in views if v.row.kind == "additional"]),
        ("Bespoke conditions", [v for v in views if v.row.kind == "bespoke"]),
    ]
    number = 0
    for heading, items in groups:
        if not items:
            continue
        flow.append(Paragraph(heading, s["h2"]))
        for view in items:
            number += 1
            flow.append(Paragraph(f"{number}. {escape(view.text)}", s["body"]))
            for line in view.event_lines:
                flow.append(Paragraph(f"Event: {escape(line)}", s["small"]))
    if not number:
        flow.append(Paragraph("No conditions are in force on this date.", s["body"]))
    return flow


def _maps(licence: Licence, views: list[ConditionView], s: dict[str, ParagraphStyle]) -> list[Any]:
    address = licence.approved_address
    point = None
    if address is not None and address.latitude is not None and address.longitude is not None:
        point = (address.latitude, address.longitude)
    flow: list[Any] = []
    for view in views:
        for name, geometry in zone_inputs(licence, view.row):
            kind = (
                "event"
                if view.row.code.lower() == EVENT_ZONE_CODE
                else ZONE_KINDS.get(name, "exclusion")
            )
            caption = {
                "exclusion": "You must not enter the red area.",
                "inclusion": "You must not leave the green area.",
                "event": "You must not enter the orange area during the event.",
            }[kind]
            drawing = zone_map([MapZone(kind, geometry)], point, font=FONT)
            flow.append(
                KeepTogether(
                    [
                        Paragraph(f"Map: {escape(view.row.category)}", s["h2"]),
                        Paragraph(caption, s["body"]),
                        drawing,
                    ]
                )
            )
    return flow


def licence_document(
    licence: Licence, views: list[ConditionView], *, withhold: bool, on: date
) -> bytes:
    """The PDF bytes (deterministic for the same inputs: reportlab's invariant mode)."""
    _fonts()
    s = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title="Licence",
        author="Safeguard",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    flow: list[Any] = [
        Paragraph("Official-sensitive", s["small"]),
        Paragraph("Licence", s["title"]),
        _details(licence, withhold, s),
        Spacer(1, 6),
        Paragraph(f"The conditions below are those in force on {_day(on)}.", s["body"]),
        Paragraph("You must comply with the following conditions:", s["body"]),
        *_conditions(views, s),
    ]
    if not withhold:
        flow.extend(_maps(licence, views, s))
    flow.extend(
        [
            Spacer(1, 18),
            Paragraph(
                "Signed (person on licence): ____________________   Date: ____________", s["body"]
            ),
        ]
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(
            20 * mm, 10 * mm, f"Official-sensitive · Licence {licence.pk} · page {doc.page}"
        )
        canvas.restoreState()

    document.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def licence_pdf(
    *, user: Any, licence_id: uuid.UUID | str, on: date | None = None
) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the licence as in force on ``on`` (default: today, or the
    current conditions of a licence not yet in force). Audited as a disclosure."""
    with transaction.atomic():
        licence = access_licence_by_id(user, licence_id)
        withhold = withholds_addresses(user, licence)
        day = on or timezone.localdate()
        if on is None and not licence.is_in_force:
            rows = conditions_current(licence)
        else:
            rows = conditions_in_force(licence, on=day)
        views = condition_views(licence, rows, withhold=withhold)
        pdf = licence_document(licence, views, withhold=withhold, on=day)
        audit_record(
            actor=user,
            action=AuditAction.DISCLOSURE,
            object_type="licence",
            object_id=str(licence.pk),
            summary="produced a licence document",
            justification="licence document printed for the person on licence",
            recipients=[RECIPIENT],
            details={
                "person": str(licence.person_id),
                "on": day.isoformat(),
                "protected_fields_shown": not withhold,
            },
        )
    return pdf, f"licence-{str(licence.pk)[:8]}-{day.isoformat()}.pdf"
